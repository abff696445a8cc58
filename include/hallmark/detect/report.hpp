// `hallmark report`: one self-contained HTML page of a pipeline run for people. Inline CSS and
// SVG only (no script, no fetch), so it reads the same with scripts off and from an archive. The
// anomalies come first; then the steps' timeline with each traced step's processes as a Gantt
// chart (packed into lanes, so 10,000 processes stay a few hundred rows), exit statuses, the
// egress table, programs, artifacts and the dependency diff against the baseline.
#pragma once

#include "hallmark/model/step_record.hpp"
#include "hallmark/store/record_dir.hpp"

#include <string>
#include <vector>

namespace hallmark {

// `steps` ordered by start time.
std::string render_report_html(const RunInfo& run, const std::vector<StepRecord>& steps);

}  // namespace hallmark
