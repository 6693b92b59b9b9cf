int main() { return 0; }  // placeholder until modemsim lands
