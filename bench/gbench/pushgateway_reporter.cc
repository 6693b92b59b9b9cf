#include "pushgateway_reporter.h"

#include <curl/curl.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <future>
#include <memory>
#include <thread>

#include <prometheus/gateway.h>

namespace dialsoak::gbench {

PushgatewayReporter::PushgatewayReporter(benchmark::BenchmarkReporter& display)
    : display_(display) {}

bool PushgatewayReporter::ReportContext(const Context& context) {
  return display_.ReportContext(context);
}

void PushgatewayReporter::ReportRuns(const std::vector<Run>& reports) {
  display_.ReportRuns(reports);
  for (const Run& run : reports) {
    if (auto sample = SampleOf(run)) samples_.push_back(std::move(*sample));
  }
}

void PushgatewayReporter::Finalize() { display_.Finalize(); }

namespace {

// What prometheus::Gateway::Push returns: the HTTP status, or -CURLcode.
std::string DescribeStatus(int status) {
  if (status < 0) return curl_easy_strerror(static_cast<CURLcode>(-status));
  return "HTTP status " + std::to_string(status);
}

}  // namespace

PushResult PushSamples(const PushOptions& options, const std::vector<BenchSample>& samples,
                       const std::string& instance) {
  PushResult result;
  std::shared_ptr<prometheus::Registry> registry = BuildRegistry(samples, result.notes);
  auto gateway = std::make_shared<prometheus::Gateway>(
      options.endpoint.host, options.endpoint.port, options.job,
      prometheus::Gateway::GetInstanceLabel(instance));
  gateway->RegisterCollectable(registry);

  // prometheus-cpp 1.0.1 sets no curl timeout: the push runs on its own thread and we wait
  // for it with a deadline. The task owns the gateway and the registry, so a push still
  // under way at the deadline uses nothing of ours.
  // PushAdd, not Push: in prometheus-cpp 1.0.1 Push() sends POST (replaces only the metric
  // names pushed) and PushAdd() sends PUT (replaces the whole group), the inverse of what
  // the names say. PUT, so that no counter of an earlier run's benchmark lingers.
  auto task = std::make_shared<std::packaged_task<int()>>(
      [gateway, registry] { return gateway->PushAdd(); });
  std::future<int> status = task->get_future();
  std::thread worker([task] { (*task)(); });
  if (status.wait_for(options.timeout) != std::future_status::ready) {
    worker.detach();
    result.status = PushResult::Status::kTimedOut;
    result.message = "no answer from the Pushgateway at " + options.url + " within " +
                     std::to_string(options.timeout.count()) + " ms";
    return result;
  }
  worker.join();  // its copies of the gateway and registry go here, not during exit
  const int code = status.get();
  if (code >= 200 && code < 300) {
    result.status = PushResult::Status::kPushed;
  } else {
    result.message = "pushing to the Pushgateway at " + options.url + " failed: " +
                     DescribeStatus(code);
  }
  return result;
}

std::string InstanceName() {
  std::array<char, 256> buffer{};
  if (gethostname(buffer.data(), buffer.size() - 1) != 0) return {};
  std::string name(buffer.data());
  for (char& c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.' && c != '-') c = '_';
  }
  return name;
}

}  // namespace dialsoak::gbench
