// Scrape: GET http://127.0.0.1:port/metrics as Prometheus would, for the exporter's tests.
// Platform code: scrape_posix.cc (BSD sockets), scrape_windows.cc (Winsock).
#pragma once

#include <string>

namespace dialsoak::prometheus_export {

// The whole response, headers included; "connect failed" or "write failed" on an error.
// Reads time out after 5 s.
std::string Scrape(int port);

}  // namespace dialsoak::prometheus_export
