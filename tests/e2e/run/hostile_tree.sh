# A workspace with a symlink loop, a FIFO, an unreadable file, a file deleted during the step
# and a file name that is not UTF-8: hallmark records each correctly and never hangs or crashes.
source "$HALLMARK_SRC/tests/e2e/lib.sh"

# Root reads any file whatever its mode; run as nobody so that chmod 000 means unreadable.
ws=$T/ws
mkdir -p "$ws/d"
as_user=()
if [ "$(id -u)" = 0 ]; then
  chown -R 65534:65534 "$T"
  chmod 755 "$T"
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
fi
run_as() { "${as_user[@]+"${as_user[@]}"}" "$@"; }

cd "$ws"
run_as sh -c 'ln -s loop-b loop-a && ln -s loop-a loop-b && ln -s d/self d/self 2>/dev/null; ln -s /etc/hostname abs-link
  mkfifo pipe && echo secret-content >unreadable && chmod 000 unreadable && echo soon >doomed && echo keep >keep
  printf x >"$(printf "latin1-\\351t\\351")"'

rc=0
timeout 60 env HOME=/tmp "${as_user[@]+"${as_user[@]}"}" "$HM" run -q --step hostile -- rm doomed || rc=$?
[ "$rc" = 124 ] && fail "hallmark hung on the hostile tree"
expect_eq "$rc" 0 "exit status"
rec=$(ls .hallmark/steps/*.json)
kind() { jget "$rec" "[m.get('kind','file') for m in j['materials'] if m['path']=='$1']"; }
expect_eq "$(kind loop-a)" "['symlink']" "symlink loop recorded as a link"
expect_eq "$(jget "$rec" "[m['target'] for m in j['materials'] if m['path']=='abs-link']")" "['/etc/hostname']" "link target recorded, not followed"
expect_eq "$(kind pipe)" "['fifo']" "fifo recorded by type"
expect_eq "$(jget "$rec" "[m for m in j['materials'] if m['path']=='pipe'][0].get('digests')")" "None" "fifo not opened"
expect_eq "$(jget "$rec" "any(w['path']=='unreadable' for w in j['warnings'])")" True "unreadable file warned"
expect_eq "$(jget "$rec" "j['deleted']")" "['doomed']" "deleted during the step"
expect_eq "$(jget "$rec" "[m['path'] for m in j['materials'] if 'digests' in m] == ['doomed', 'keep', 'latin1-\ufffdt\ufffd']")" True "only readable regular files hashed"
expect_eq "$(jget "$rec" "[w['message'][:26] for w in j['warnings'] if w['path'].startswith('latin1-')]")" "['file name is not valid UTF']" "non-UTF-8 name warned"
pass "hostile tree"
