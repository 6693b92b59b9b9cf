#include "pushgateway_reporter.h"

#include <cerrno>
#include <memory>

#include "dialsoak/prometheus/pushgateway.h"

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

PushResult PushSamples(const PushOptions& options, const std::vector<BenchSample>& samples,
                       const std::string& instance,
                       const prometheus_export::PushSecurity& security) {
  PushResult result;
  std::shared_ptr<prometheus::Registry> registry =
      BuildRegistry(samples, DIALSOAK_VERSION, result.notes);
  // The same push as `dialsoak run --push` (exporters/prometheus): one HTTP PUT, so the
  // group then holds exactly this run's metrics, with a deadline libcurl enforces.
  prometheus_export::PushTarget target;
  target.url = options.endpoint.host + ":" + options.endpoint.port;
  target.job = options.job;
  if (!instance.empty()) target.labels = {{"instance", instance}};
  auto url = prometheus_export::PushgatewayUrl(target);
  if (!url) {
    result.message = url.error().message;
    return result;
  }
  auto pushed =
      prometheus_export::PushOnce(*url, prometheus_export::Exposition(*registry), options.timeout,
                                  security);
  if (pushed) {
    result.status = PushResult::Status::kPushed;
  } else {
    result.status = pushed.error().code == ETIMEDOUT ? PushResult::Status::kTimedOut
                                                     : PushResult::Status::kFailed;
    result.message =
        pushed.error().code == ETIMEDOUT
            ? "no answer from the Pushgateway at " + options.url + " within " +
                  std::to_string(options.timeout.count()) + " ms"
            : "pushing to the Pushgateway at " + options.url + " failed: " + pushed.error().message;
  }
  return result;
}

}  // namespace dialsoak::gbench
