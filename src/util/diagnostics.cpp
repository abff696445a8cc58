#include "hallmark/util/diagnostics.hpp"

#include <algorithm>
#include <utility>

namespace hallmark {

std::string to_line(const Diagnostic& d) { return d.subject.empty() ? d.message : d.subject + ": " + d.message; }

void Diagnostics::report(Diagnostic d) {
  std::lock_guard lock(m_);
  items_.push_back(std::move(d));
}

void Diagnostics::report_once(Diagnostic d) {
  std::lock_guard lock(m_);
  if (std::find(items_.begin(), items_.end(), d) == items_.end()) items_.push_back(std::move(d));
}

void Diagnostics::absorb(Diagnostics& other) {
  if (&other == this) return;
  std::vector<Diagnostic> moved = other.take();
  std::lock_guard lock(m_);
  items_.insert(items_.end(), std::make_move_iterator(moved.begin()), std::make_move_iterator(moved.end()));
}

std::vector<Diagnostic> Diagnostics::entries() const {
  std::lock_guard lock(m_);
  return items_;
}

std::vector<Diagnostic> Diagnostics::take() {
  std::lock_guard lock(m_);
  return std::exchange(items_, {});
}

std::vector<std::string> Diagnostics::lines() const {
  std::lock_guard lock(m_);
  std::vector<std::string> out;
  out.reserve(items_.size());
  for (const auto& d : items_) out.push_back(to_line(d));
  return out;
}

size_t Diagnostics::size() const {
  std::lock_guard lock(m_);
  return items_.size();
}

size_t Diagnostics::count(Severity s) const {
  std::lock_guard lock(m_);
  return std::count_if(items_.begin(), items_.end(), [s](const Diagnostic& d) { return d.severity == s; });
}

}  // namespace hallmark
