int main() { return 0; }  // placeholder until dialsoak run lands
