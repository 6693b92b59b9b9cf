#include "dialsoak/prometheus/pushgateway.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <prometheus/text_serializer.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <mutex>
#include <regex>
#include <set>

namespace dialsoak::prometheus_export {
namespace {

using io::Error;
using io::Fail;

bool IsLabelName(const std::string& name) {
  static const std::regex kName("[a-zA-Z_][a-zA-Z0-9_]*");
  return std::regex_match(name, kName);
}

// Unreserved URL characters only; "." and ".." would be folded away as path segments.
bool UrlSafe(const std::string& value) {
  if (value.empty() || value == "." || value == "..") return false;
  return std::all_of(value.begin(), value.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
  });
}

std::string Base64Url(const std::string& in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16 |
                       static_cast<unsigned char>(in[i + 1]) << 8 |
                       static_cast<unsigned char>(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
  }
  const std::size_t rest = in.size() - i;
  if (rest > 0) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// "/name/value", or "/name@base64/<value in base64url>" when the value is not URL-safe
// (the gateway's documented form; "=" alone stands for the empty value).
std::string Segment(const std::string& name, const std::string& value) {
  if (UrlSafe(value)) return "/" + name + "/" + value;
  return "/" + name + "@base64/" + (value.empty() ? "=" : Base64Url(value));
}

void CurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t KeepAnswer(char* data, size_t size, size_t count, void* user) {
  auto* answer = static_cast<std::string*>(user);
  const size_t n = size * count;
  answer->append(data, std::min(n, size_t{300} - std::min(answer->size(), size_t{300})));
  return n;
}

}  // namespace

io::Result<std::string> PushgatewayUrl(const PushTarget& target) {
  static const std::regex kUrl(R"(^(https?)://([^/?#@\s]+)(/[^?#\s]*)?$)");
  std::smatch m;
  if (!std::regex_match(target.url, m, kUrl)) {
    return Fail(Error{0, fmt::format("push URL '{}': expected http://HOST:PORT, e.g. "
                                     "http://127.0.0.1:9091",
                                     target.url)});
  }
  std::string base = target.url;
  while (base.back() == '/') base.pop_back();
  if (target.job.empty()) return Fail(Error{0, "push job: must not be empty"});
  std::string url = base + "/metrics" + Segment("job", target.job);
  std::set<std::string> seen;
  for (const auto& [name, value] : target.labels) {
    if (!IsLabelName(name) || name.starts_with("__")) {
      return Fail(Error{0, fmt::format("push label '{}': not a label name (letters, digits "
                                       "and '_', not starting with a digit or '__')",
                                       name)});
    }
    if (name == "job") {
      return Fail(Error{0, "push label 'job': the job is set by the push job, not a label"});
    }
    if (!seen.insert(name).second) {
      return Fail(Error{0, fmt::format("push label '{}': given twice", name)});
    }
    url += Segment(name, value);
  }
  return url;
}

std::string HostName() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) return {};
  return host;
}

std::string Exposition(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

io::Result<void> PushOnce(const std::string& url, const std::string& body,
                          std::chrono::milliseconds timeout) {
  CurlGlobalInit();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Fail(Error{0, "push: cannot set up libcurl"});
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
      curl_slist_append(nullptr, "Content-Type: text/plain; version=0.0.4; charset=utf-8"),
      curl_slist_free_all);
  std::string answer;
  char error[CURL_ERROR_SIZE] = {};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // we have threads; no SIGALRM for DNS
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");  // a push goes straight to the gateway
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, KeepAnswer);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    return Fail(Error{
        rc == CURLE_OPERATION_TIMEDOUT ? ETIMEDOUT : 0,
        fmt::format("push to {}: {}", url, error[0] != '\0' ? error : curl_easy_strerror(rc))});
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) {
    while (!answer.empty() && (answer.back() == '\n' || answer.back() == '\r')) answer.pop_back();
    return Fail(Error{0, fmt::format("push to {}: the gateway answered HTTP {}{}{}", url, status,
                                     answer.empty() ? "" : ": ", answer)});
  }
  return {};
}

io::Result<std::unique_ptr<MetricsPusher>> MetricsPusher::Start(
    const PushTarget& target, std::shared_ptr<prometheus::Registry> registry, Options options) {
  auto url = PushgatewayUrl(target);
  if (!url) return Fail(url.error());
  if (options.interval.count() <= 0) return Fail(Error{0, "push interval: must be > 0"});
  CurlGlobalInit();  // before any thread: curl_global_init is not thread-safe
  std::unique_ptr<MetricsPusher> pusher(
      new MetricsPusher(std::move(*url), std::move(registry), options));
  pusher->thread_ = std::thread([p = pusher.get()] { p->Loop(); });
  return pusher;
}

MetricsPusher::MetricsPusher(std::string url, std::shared_ptr<prometheus::Registry> registry,
                             Options options)
    : url_(std::move(url)), registry_(std::move(registry)), options_(options) {}

MetricsPusher::~MetricsPusher() { StopThread(); }

void MetricsPusher::StopThread() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void MetricsPusher::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, options_.interval, [this] { return stopping_; })) {
    lock.unlock();
    PushNow(false);
    lock.lock();
  }
}

bool MetricsPusher::PushNow(bool final_push) {
  auto pushed = PushOnce(url_, Exposition(*registry_), options_.timeout);
  if (pushed) {
    ++ok_;
    if (failing_) spdlog::info("push: the gateway at {} takes pushes again", url_);
    failing_ = false;
    return true;
  }
  ++failed_;
  // Periodic failures warn once until the gateway recovers; the soak is not affected.
  if (final_push || !failing_) {
    spdlog::warn("{}{}", pushed.error().message,
                 final_push ? "" : " (the soak goes on; pushes are retried every interval)");
  } else {
    spdlog::debug("{}", pushed.error().message);
  }
  failing_ = true;
  return false;
}

bool MetricsPusher::Finish() {
  StopThread();
  auto wait = options_.retry_wait;
  for (int attempt = 1; attempt <= options_.final_attempts; ++attempt) {
    if (PushNow(true)) return true;
    if (attempt < options_.final_attempts) {
      std::this_thread::sleep_for(wait);
      wait *= 2;
    }
  }
  spdlog::warn(
      "push: the final values did not reach {} after {} attempts; the run's results "
      "are in its summary (and --report, if given)",
      url_, options_.final_attempts);
  return false;
}

}  // namespace dialsoak::prometheus_export
