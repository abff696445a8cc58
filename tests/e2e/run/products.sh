# Materials and products: created, changed, deleted and unchanged files are told apart.
source "$HALLMARK_SRC/tests/e2e/lib.sh"

mkdir -p src out
echo "int main(){}" >src/main.c
echo "keep" >src/unchanged.txt
echo "old" >out/changed.txt
echo "bye" >out/deleted.txt
touch -d '2020-01-01' src/touched.txt
echo "same" >src/touched.txt

"$HM" run -q --step build -- sh -c 'echo new >out/created.txt; echo newer >out/changed.txt; rm out/deleted.txt; touch src/touched.txt'
rec=$(ls .hallmark/steps/*.json)
[ "$(echo "$rec" | wc -l)" = 1 ] || fail "expected one step record"

expect_eq "$(jget "$rec" 'j["name"]')" build "step name"
expect_eq "$(jget "$rec" 'sorted(m["path"] for m in j["materials"])')" \
  "['out/changed.txt', 'out/deleted.txt', 'src/main.c', 'src/touched.txt', 'src/unchanged.txt']" "materials"
expect_eq "$(jget "$rec" 'sorted(p["path"] for p in j["products"])')" "['out/changed.txt', 'out/created.txt']" "products (touched-only file is not a product)"
expect_eq "$(jget "$rec" 'j["deleted"]')" "['out/deleted.txt']" "deleted"
want=$(sha256sum out/created.txt | cut -d' ' -f1)
expect_eq "$(jget "$rec" '[p["digests"]["sha256"] for p in j["products"] if p["path"]=="out/created.txt"][0]')" "$want" "product digest"
want=$(sha256sum src/main.c | cut -d' ' -f1)
expect_eq "$(jget "$rec" '[p["digests"]["sha256"] for p in j["materials"] if p["path"]=="src/main.c"][0]')" "$want" "material digest"

# --digest adds sha512 and git blob ids (checked against git itself).
"$HM" run -q --step more --digest sha256,sha512,gitoid -- sh -c 'echo x >out/x.txt'
rec=$(ls -t .hallmark/steps/*more.json | head -1)
expect_eq "$(jget "$rec" '[p["digests"]["sha512"] for p in j["products"] if p["path"]=="out/x.txt"][0]')" \
  "$(sha512sum out/x.txt | cut -d' ' -f1)" "sha512"
expect_eq "$(jget "$rec" '[p["digests"]["gitoid:sha1"] for p in j["products"] if p["path"]=="out/x.txt"][0]')" \
  "$(git hash-object out/x.txt)" "gitoid sha1"

# --materials/--products restrict the walks; .git and the record dir are never recorded.
git init -q . && git add -A >/dev/null 2>&1 || true
"$HM" run -q --step scoped --materials src --products out -- sh -c 'echo y >out/y.txt; echo z >src/z.txt'
rec=$(ls -t .hallmark/steps/*scoped.json | head -1)
expect_eq "$(jget "$rec" 'all(m["path"].startswith("src/") for m in j["materials"])')" True "materials scoped"
expect_eq "$(jget "$rec" 'sorted(p["path"] for p in j["products"])')" "['out/y.txt']" "products scoped"
expect_eq "$(jget "$rec" 'any(".git/" in e["path"] or ".hallmark" in e["path"] for e in j["materials"]+j["products"])')" False "no .git or record dir entries"

# Excludes and dirhash.
mkdir -p node_modules/a node_modules/b
echo 1 >node_modules/a/index.js
echo 2 >node_modules/b/index.js
"$HM" run -q --step dh --dirhash '**/node_modules' --exclude '*.log' -- sh -c 'echo log >build.log'
rec=$(ls -t .hallmark/steps/*dh.json | head -1)
expect_eq "$(jget "$rec" '[ (m["kind"], m["files"]) for m in j["materials"] if m["path"]=="node_modules"]')" "[('dirhash', 2)]" "dirhash entry"
expect_eq "$(jget "$rec" 'any(m["path"].startswith("node_modules/") for m in j["materials"])')" False "dirhash hides contents"
expect_eq "$(jget "$rec" 'len(j["products"])')" 0 "excluded product not recorded"
pass "materials and products"
