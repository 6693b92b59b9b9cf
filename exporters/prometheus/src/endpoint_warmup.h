// WarmUpWorkers: has every civetweb worker of a just-started endpoint serve one /metrics
// request, so that the memory a worker touches the first time it serves one (its stack,
// its buffers, OpenSSL's per-thread state: about 35 KB each, 10 MB for the 288 workers) is
// in dialsoak's resident memory before the run's baseline sample. Without it the workers
// are first used one scrape at a time over the first hours of a soak, and the `self`
// memory check sees a rise of 10 MB that looks like a leak.
//
// All the connections are opened first, so that each holds a worker of its own (civetweb
// gives every accepted connection a worker until it closes), then each sends its request
// (over TLS when asked: a client that does not verify the certificate; it only warms up)
// and reads the answer to the end. EXTRA_HEADERS (each ending "\r\n") are added to each
// request: the guard's warm-up token, which basic auth lets through while warming up.
// Returns an empty string, or what went wrong (a warning: the endpoint serves regardless).
#pragma once

#include <string>

namespace dialsoak::prometheus_export {

std::string WarmUpWorkers(const std::string& host, int port, int workers, bool tls,
                          const std::string& extra_headers);

}  // namespace dialsoak::prometheus_export
