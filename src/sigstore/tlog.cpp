// Transparency log entries (sigstore-go pkg/verify/tlog.go, pkg/tlog): the log must be one of
// the trusted root's; Rekor v1 entries are checked by their SET (inclusion promise) and/or their
// inclusion proof, Rekor v2 entries by their inclusion proof only; an inclusion proof counts only
// with a checkpoint signed by the same log. The entry's canonicalized body must then describe
// this bundle (tlog_body.cpp).
#include "evidence.hpp"

#include "hallmark/util/hex.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

namespace hallmark::sigstore::internal {

namespace {

std::string node_hash(std::string_view left, std::string_view right) {
  std::string in(1, '\x01');
  in += left;
  in += right;
  return sha256(in);
}

// The SET signs this canonical JSON (keys sorted, no spaces), Rekor v1's SignedEntryTimestamp.
std::string set_payload(const TlogEntry& e) {
  return "{\"body\":\"" + base64_encode(e.canonicalized_body) +
         "\",\"integratedTime\":" + std::to_string(e.integrated_time) + ",\"logID\":\"" + to_hex(e.log_id) +
         "\",\"logIndex\":" + std::to_string(e.log_index) + "}";
}

struct Note {
  std::string text;  // the signed part, through the newline before the blank line
  std::string origin;
  int64_t size = -1;
  std::string root_hash;
  struct Sig {
    std::string name, hint, sig;
  };
  std::vector<Sig> sigs;
};

// The signed note format (golang.org/x/mod/sumdb/note, C2SP tlog-checkpoint): body lines, a
// blank line, then "— NAME BASE64(keyhint[4] || signature)" lines.
Result<Note> parse_note(std::string_view envelope) {
  Note n;
  size_t split = envelope.find("\n\n");
  if (split == std::string_view::npos) return make_error("checkpoint: no blank line before the signatures");
  n.text = std::string(envelope.substr(0, split + 1));
  std::vector<std::string> lines;
  for (size_t start = 0; start < n.text.size();) {
    size_t nl = n.text.find('\n', start);
    lines.push_back(n.text.substr(start, nl - start));
    start = nl + 1;
  }
  if (lines.size() < 3 || lines[0].empty()) return make_error("checkpoint: needs origin, size and root hash lines");
  n.origin = lines[0];
  const std::string& s = lines[1];
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n.size);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty() || n.size < 0)
    return make_error("checkpoint: tree size line \"" + s + "\" is not a number");
  auto root = base64_decode(lines[2]);
  if (!root || root->size() != 32) return make_error("checkpoint: root hash line is not a base64 SHA-256 hash");
  n.root_hash = *root;
  std::string_view rest = envelope.substr(split + 2);
  const std::string dash = "\xe2\x80\x94 ";  // U+2014 EM DASH, then a space
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    if (line.empty()) continue;
    if (line.substr(0, dash.size()) != dash) return make_error("checkpoint: signature line without the em dash");
    line.remove_prefix(dash.size());
    size_t sp = line.rfind(' ');
    if (sp == std::string_view::npos || sp == 0) return make_error("checkpoint: signature line without a name");
    auto raw = base64_decode(line.substr(sp + 1));
    if (!raw || raw->size() < 5) return make_error("checkpoint: signature is not base64 of a key hint and a signature");
    n.sigs.push_back({std::string(line.substr(0, sp)), raw->substr(0, 4), raw->substr(4)});
  }
  if (n.sigs.empty()) return make_error("checkpoint: no signatures");
  return n;
}

}  // namespace

Status verify_inclusion_proof(const InclusionProof& proof, std::string_view leaf) {
  // RFC 9162 §2.1.3.2.
  if (proof.log_index >= proof.tree_size) return make_error("inclusion proof: log index beyond the tree size");
  uint64_t fn = uint64_t(proof.log_index), sn = uint64_t(proof.tree_size - 1);
  std::string r = sha256(std::string(1, '\0') + std::string(leaf));
  for (const auto& p : proof.hashes) {
    if (sn == 0) return make_error("inclusion proof: more hashes than the tree has levels");
    if ((fn & 1) || fn == sn) {
      r = node_hash(p, r);
      if (!(fn & 1))
        while (!(fn & 1) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return make_error("inclusion proof: too few hashes for the tree size");
  if (r != proof.root_hash) return make_error("inclusion proof: the computed root hash is not the proof's root hash");
  return ok_status();
}

Status verify_checkpoint(const InclusionProof& proof, const LogInstance& log) {
  auto note = parse_note(proof.checkpoint);
  if (!note) return note.error();
  if (note->size != proof.tree_size)
    return make_error("checkpoint: tree size " + std::to_string(note->size) + " is not the proof's " +
                      std::to_string(proof.tree_size));
  if (note->root_hash != proof.root_hash) return make_error("checkpoint: root hash is not the inclusion proof's");
  // The log's own signature: key hint = first 4 bytes of its log id, by the log's name. Other
  // lines are witness cosignatures, whose keys the trusted root does not list: they are skipped.
  std::string host = log.origin_host();
  bool hinted = false;
  for (const auto& s : note->sigs) {
    if (s.hint != log.log_id.substr(0, 4)) continue;
    hinted = true;
    if (s.name != host && s.name != note->origin) continue;
    if (verify_signature(log.key.get(), note->text, s.sig)) return ok_status();
  }
  return make_error(hinted ? "checkpoint: no valid signature by " + host
                           : "checkpoint: no signature with the key hint of " + host);
}

Result<TlogOutcome> verify_tlog_entry(const TlogEntry& e, const TrustedRoot& root, const EntryExpectation& expect) {
  const LogInstance* log = root.tlog_by_id(e.log_id);
  if (!log) return make_error("log id " + base64_encode(e.log_id) + " is not a transparency log of the trusted root");
  TlogOutcome out;
  out.log = log->base_url;
  bool v2 = e.version == "0.0.2" && (e.kind == "hashedrekord" || e.kind == "dsse");
  if (v2 && !e.inclusion_proof) return make_error(log->base_url + ": a Rekor v2 entry needs an inclusion proof");
  // Rekor v2 has no SET to sign the entry's index: it must be the one the proof proves.
  if (v2 && e.log_index != e.inclusion_proof->log_index)
    return make_error(log->base_url + ": log index " + std::to_string(e.log_index) + " is not the inclusion proof's " +
                      std::to_string(e.inclusion_proof->log_index));
  if (!e.inclusion_proof && e.signed_entry_timestamp.empty())
    return make_error(log->base_url + ": neither an inclusion promise nor an inclusion proof");
  if (!e.signed_entry_timestamp.empty()) {
    if (!verify_signature(log->key.get(), set_payload(e), e.signed_entry_timestamp))
      return make_error(log->base_url + ": the signed entry timestamp does not verify with the log's key");
    SystemTime t = from_unix(e.integrated_time);
    if (!log->valid_for.contains(t))
      return make_error(log->base_url + ": integrated time " + describe_time(t) + " is outside the log key's validity");
    out.integrated_time = t;
  }
  if (e.inclusion_proof) {
    if (auto st = verify_inclusion_proof(*e.inclusion_proof, e.canonicalized_body); !st)
      return make_error(log->base_url + ": " + st.message());
    // An unsigned root proves nothing on its own: without a checkpoint the SET must vouch.
    if (e.inclusion_proof->checkpoint.empty()) {
      if (e.signed_entry_timestamp.empty() || v2)
        return make_error(log->base_url + ": the inclusion proof has no signed checkpoint and there is no SET");
    } else if (auto st = verify_checkpoint(*e.inclusion_proof, *log); !st) {
      return make_error(log->base_url + ": " + st.message());
    }
  }
  if (auto st = match_entry_body(e, expect); !st) return make_error(log->base_url + ": " + st.message());
  return out;
}

}  // namespace hallmark::sigstore::internal
