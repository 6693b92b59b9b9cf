#include "dialsoak/prometheus/pushgateway.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <prometheus/text_serializer.h>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <regex>
#include <set>

#include "dialsoak/io/unique_fd.h"

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

// The URL's authority (between "://" and the first / ? #), or nullopt without "://".
std::optional<std::string> Authority(const std::string& url) {
  const auto sep = url.find("://");
  if (sep == std::string::npos) return std::nullopt;
  const auto start = sep + 3;
  return url.substr(start, url.find_first_of("/?#", start) - start);
}

// The URL with its user name and password replaced by "***" (for messages).
std::string Redacted(const std::string& url) {
  const auto start = url.find("://") + 3;
  const auto end = url.find_first_of("/?#", start);
  const auto at = url.rfind('@', end == std::string::npos ? url.size() : end);
  return url.substr(0, start) + "***" + url.substr(at);
}

// Up to `limit` bytes of the file at `path`, with its stat; an error names the file as
// `what` and says why it cannot be read.
struct FileRead {
  std::string content;
  struct stat st {};
};
io::Result<FileRead> ReadSmallFile(const std::string& path, const std::string& what,
                                   std::size_t limit) {
  const io::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) {
    const int err = errno;
    return Fail(Error{err, fmt::format("{} {}: cannot be read: {}", what, path, std::strerror(err))});
  }
  FileRead file;
  if (::fstat(fd.get(), &file.st) != 0 || !S_ISREG(file.st.st_mode)) {
    return Fail(Error{0, fmt::format("{} {}: not a regular file", what, path)});
  }
  if (static_cast<std::size_t>(file.st.st_size) > limit) {
    return Fail(Error{0, fmt::format("{} {}: larger than {} bytes", what, path, limit)});
  }
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      return Fail(Error{err, fmt::format("{} {}: cannot be read: {}", what, path, std::strerror(err))});
    }
    if (n == 0) break;
    file.content.append(buffer, static_cast<std::size_t>(n));
    if (file.content.size() > limit) {
      return Fail(Error{0, fmt::format("{} {}: larger than {} bytes", what, path, limit)});
    }
  }
  return file;
}

}  // namespace

bool UrlHasUserInfo(const std::string& url) {
  const auto authority = Authority(url);
  return authority && authority->find('@') != std::string::npos;
}

io::Result<PushCredentials> LoadPushCredentials(const std::string& auth_file) {
  PushCredentials c;
  if (!auth_file.empty()) {
    const std::string what = "push auth file";
    auto file = ReadSmallFile(auth_file, what, 4096);
    if (!file) return Fail(file.error());
    std::string& text = file->content;
    if (text.ends_with("\n")) text.pop_back();
    if (text.ends_with("\r")) text.pop_back();
    // No message below quotes the file: it holds a password.
    if (text.find('\n') != std::string::npos) {
      return Fail(Error{0, fmt::format("{} {}: more than one line; expected one line "
                                       "user:password",
                                       what, auth_file)});
    }
    const auto colon = text.find(':');
    if (colon == std::string::npos) {
      return Fail(Error{0, fmt::format("{} {}: no ':' in its line; expected user:password", what,
                                       auth_file)});
    }
    c.user = text.substr(0, colon);
    c.password = text.substr(colon + 1);
    if (c.user.empty()) {
      return Fail(Error{0, fmt::format("{} {}: the user name before ':' is empty", what, auth_file)});
    }
    if (c.password.empty()) {
      return Fail(Error{0, fmt::format("{} {}: the password after ':' is empty", what, auth_file)});
    }
    c.source = "the file " + auth_file;
    const auto mode = file->st.st_mode & 07777;
    if ((mode & 077) != 0) {
      c.warning = fmt::format("{} {} is open to {} (mode {:04o}) and holds a password: "
                              "chmod 600 {}",
                              what, auth_file,
                              (mode & 070) != 0 && (mode & 07) != 0 ? "group and others"
                              : (mode & 070) != 0                   ? "its group"
                                                                    : "others",
                              mode, auth_file);
    }
    return c;
  }
  const char* user = std::getenv(kPushUserEnv);
  const char* password = std::getenv(kPushPasswordEnv);
  if (user == nullptr && password == nullptr) return c;
  if (user == nullptr || *user == '\0') {
    return Fail(Error{0, fmt::format("{} is set but {} is {}: give both, or neither",
                                     kPushPasswordEnv, kPushUserEnv,
                                     user == nullptr ? "not" : "empty")});
  }
  if (password == nullptr || *password == '\0') {
    return Fail(Error{0, fmt::format("{} is set but {} is {}: give both, or neither",
                                     kPushUserEnv, kPushPasswordEnv,
                                     password == nullptr ? "not" : "empty")});
  }
  c.user = user;
  c.password = password;
  c.source = fmt::format("the environment ({}, {})", kPushUserEnv, kPushPasswordEnv);
  return c;
}

io::Result<void> CheckCaFile(const std::string& path) {
  auto file = ReadSmallFile(path, "push CA file", 4u << 20);
  if (!file) return Fail(file.error());
  if (file->content.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return Fail(Error{0, fmt::format("push CA file {}: holds no PEM certificate (no "
                                     "-----BEGIN CERTIFICATE----- line)",
                                     path)});
  }
  return {};
}

io::Result<std::string> PushgatewayUrl(const PushTarget& target) {
  static const std::regex kUrl(R"(^(https?)://([^/?#@\s]+)(/[^?#\s]*)?$)");
  if (UrlHasUserInfo(target.url)) {
    return Fail(Error{0, fmt::format("push URL '{}': a user name or password in the URL is "
                                     "refused (a command line is readable by every user of "
                                     "the machine); give them in a file or the environment",
                                     Redacted(target.url))});
  }
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
                          std::chrono::milliseconds timeout, const PushSecurity& security) {
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
  // libcurl verifies the peer and its host name by default; the CA file replaces the
  // system's CAs when given.
  if (!security.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, security.ca_file.c_str());
  if (!security.user.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(c, CURLOPT_USERNAME, security.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, security.password.c_str());
  }
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    std::string hint;
    if (rc == CURLE_PEER_FAILED_VERIFICATION) {
      hint = fmt::format(" (the gateway's certificate was checked against {}: give the CA "
                         "certificate that signed it as the push CA file)",
                         security.ca_file.empty() ? "the system's CA certificates"
                                                  : "the CA file " + security.ca_file);
    } else if (rc == CURLE_SSL_CACERT_BADFILE) {
      hint = fmt::format(" (the push CA file {} could not be loaded)", security.ca_file);
    }
    return Fail(Error{rc == CURLE_OPERATION_TIMEDOUT ? ETIMEDOUT : 0,
                      fmt::format("push to {}: {}{}", url,
                                  error[0] != '\0' ? error : curl_easy_strerror(rc), hint)});
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) {
    while (!answer.empty() && (answer.back() == '\n' || answer.back() == '\r')) answer.pop_back();
    return Fail(Error{0, fmt::format("push to {}: the gateway answered HTTP {}{}{}{}", url, status,
                                     answer.empty() ? "" : ": ", answer,
                                     status != 401           ? ""
                                     : security.user.empty() ? " (it wants a user and password)"
                                                             : " (the user or password was "
                                                               "refused)")});
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
  auto pushed = PushOnce(url_, Exposition(*registry_), options_.timeout, options_.security);
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
