// Diagnostics: the one channel for non-fatal findings (an unreadable file, a lockfile that does
// not parse, a collector that did not answer). A failure that stops an operation is a Result's
// error; everything the operation notices on the way and goes on from is reported here, by the
// module that noticed it, into a sink its caller passed down. The caller decides where the
// findings go: the step record, a `warning:` line, hallmark's exit status under --strict.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

namespace hallmark {

enum class Severity {
  note,     // worth knowing, nothing lost ("read-only opens seen through fanotify")
  warning,  // something is missing or degraded in what hallmark produced
  error,    // hallmark's own failure: the record is missing or incomplete (125 under --strict)
};

struct Diagnostic {
  std::string subject;  // what it is about: a file, a URL, a variable, a phase; may be empty
  std::string message;
  Severity severity = Severity::warning;

  bool operator==(const Diagnostic&) const = default;
};

// "subject: message", or the message alone when there is no subject.
std::string to_line(const Diagnostic& d);

// Safe to report into from several threads (the walk's hashing pool, the exporter thread).
// Entries keep the order they were reported in.
class Diagnostics {
public:
  Diagnostics() = default;
  Diagnostics(const Diagnostics&) = delete;
  Diagnostics& operator=(const Diagnostics&) = delete;

  void report(Diagnostic d);
  void note(std::string subject, std::string message) {
    report({std::move(subject), std::move(message), Severity::note});
  }
  void warn(std::string subject, std::string message) { report({std::move(subject), std::move(message)}); }
  void error(std::string subject, std::string message) {
    report({std::move(subject), std::move(message), Severity::error});
  }
  // Reports unless an equal entry (subject, message, severity) is there already.
  void report_once(Diagnostic d);
  // Every entry of `other`, in its order (other is left empty).
  void absorb(Diagnostics& other);

  std::vector<Diagnostic> entries() const;
  std::vector<Diagnostic> take();          // the entries, leaving the sink empty
  std::vector<std::string> lines() const;  // to_line() of each entry
  void clear() { (void)take(); }
  size_t size() const;
  bool empty() const { return size() == 0; }
  size_t count(Severity s) const;
  bool has_errors() const { return count(Severity::error) != 0; }

private:
  mutable std::mutex m_;
  std::vector<Diagnostic> items_;
};

}  // namespace hallmark
