# Issue 15 §3: jars in an image, nested ones included, are catalogued as in a directory: a war
# with its own pom.properties and a jar in WEB-INF/lib, and a plain jar in an app's lib/, made
# here with zip and packed into an image layer by umoci. The directory walk of the same files
# gives the same components (a jar inside a tree is itself a dependency).
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/images/image_lib.sh"

# make_jar OUT GROUP ARTIFACT VERSION [FILE...]: a jar whose pom.properties names it.
make_jar() {
  local out=$1 g=$2 a=$3 v=$4; shift 4
  local d; d=$(mktemp -d "$T/jar.XXXX")
  mkdir -p "$d/META-INF/maven/$g/$a"
  printf 'groupId=%s\nartifactId=%s\nversion=%s\n' "$g" "$a" "$v" >"$d/META-INF/maven/$g/$a/pom.properties"
  printf 'Manifest-Version: 1.0\n' >"$d/META-INF/MANIFEST.MF"
  for f in "$@"; do mkdir -p "$d/$(dirname "$f")"; cp "$T/$(basename "$f")" "$d/$f"; done
  (cd "$d" && zip -qr "$out" .)
}
make_jar "$T/inner-2.0.jar" org.example inner 2.0
make_jar "$T/shop.war" org.example shop 1.0 WEB-INF/lib/inner-2.0.jar
make_jar "$T/util-3.1.jar" com.acme util 3.1

mkdir -p root/opt/shop root/opt/tools/lib
cp "$T/shop.war" root/opt/shop/
cp "$T/util-3.1.jar" root/opt/tools/lib/
pack_layout root layout v1 >/dev/null

want=$'pkg:maven/com.acme/util@3.1\npkg:maven/org.example/inner@2.0\npkg:maven/org.example/shop@1.0'
purls() { jget "$1" '"\n".join(sorted(c["purl"] for c in j["components"]))'; }

"$HM" sbom --image oci:layout:v1 -o image.json 2>image.err || { cat image.err; fail "sbom --image"; }
expect_eq "$(purls image.json)" "$want" "jar components of the image"
jget image.json '[o["location"] for c in j["components"] if c["name"] == "inner" for o in c["evidence"]["occurrences"]][0]' >where.txt
expect_contains where.txt "!/opt/shop/shop.war!/WEB-INF/lib/inner-2.0.jar"
"$HM" sbom root -o tree.json 2>tree.err
expect_eq "$(purls tree.json)" "$want" "jar components of the same files as a directory"
pass "jars and nested jars in an image layer, as in a directory"
