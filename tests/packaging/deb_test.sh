#!/usr/bin/env bash
# packaging: `cpack -G DEB` in the build directory makes dialsoak_VERSION_ARCH.deb, and
# the package holds what an install should.
#   1. cpack (output in a temp dir, not the build tree) makes exactly one file,
#      dialsoak_VERSION_ARCH.deb.
#   2. Its control fields: Package dialsoak, Version VERSION, Architecture ARCH, Section
#      comm, a Maintainer and a Description; Depends, computed by dpkg-shlibdeps, names
#      libc6, libstdc++6, prometheus-cpp and yaml-cpp, and every package it names is one
#      installed here (the programs were linked against them); Recommends gnuplot-nox (the
#      leak charts); postinst and postrm are
#      executable control scripts.
#   3. Its files (dpkg-deb -c): the three programs in /usr/bin, every dashboard and
#      provisioning file of the source's grafana/ in /usr/share/dialsoak/grafana, the
#      unit in /usr/lib/systemd/system, the examples and README.md in
#      /usr/share/doc/dialsoak, every *.md and *.png of the source's docs/ in
#      /usr/share/doc/dialsoak/docs; with MAN_PAGES 1 the six man pages, and only they, as
#      /usr/share/man/man1/PAGE.1.gz (none with 0); nothing outside /usr.
#   4. Unpacked (dpkg-deb -x): the unit starts /usr/bin/dialsoak, the packaged
#      (stripped) dialsoak says its version, and the man pages are the build's.
# Usage: deb_test.sh BUILD_DIR SOURCE_DIR VERSION [MAN_PAGES (1 or 0; default 1)]
# shellcheck source=packaging_lib.sh
source "$(dirname "$0")/packaging_lib.sh"
build=$1 src=$2 version=$3 with_man=${4:-1}
need_cmd cpack cmake
need_cmd dpkg-deb dpkg
need_cmd dpkg-shlibdeps dpkg-dev
need_cmd file file
arch=$(dpkg --print-architecture)

# 1. cpack.
(cd "$build" && cpack -G DEB -B "$PKG_TMP/out") >"$PKG_TMP/cpack.log" 2>&1 ||
  { tail -n 30 "$PKG_TMP/cpack.log" >&2; fail "cpack -G DEB failed"; }
mapfile -t debs < <(find "$PKG_TMP/out" -maxdepth 1 -name '*.deb')
[ "${#debs[@]}" = 1 ] || fail "cpack made ${#debs[@]} .deb files, expected 1: ${debs[*]}"
deb=${debs[0]}
[ "$(basename "$deb")" = "dialsoak_${version}_${arch}.deb" ] ||
  fail "cpack made $(basename "$deb"), expected dialsoak_${version}_${arch}.deb"
pass "cpack made $(basename "$deb")"

# 2. Control fields.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = dialsoak ] || fail "Package: '$(field Package)', expected dialsoak"
[ "$(field Version)" = "$version" ] || fail "Version: '$(field Version)', expected $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture: '$(field Architecture)', expected $arch"
[ "$(field Section)" = comm ] || fail "Section: '$(field Section)', expected comm"
[[ "$(field Maintainer)" =~ ^[^\<]+\ \<[^@\>]+@[^\>]+\>$ ]] ||
  fail "Maintainer: '$(field Maintainer)', expected 'Name <address>'"
grep -q 'dial-up' <<<"$(field Description)" || fail "Description does not say what dialsoak is"
depends=$(field Depends)
[ -n "$depends" ] || fail "no Depends: line (CPACK_DEBIAN_PACKAGE_SHLIBDEPS)"
for lib in 'libc6 ' 'libstdc\+\+6 ' 'libprometheus-cpp-pull' 'libprometheus-cpp-core' 'libyaml-cpp'; do
  grep -Eq "(^|, )$lib" <<<"$depends" || fail "Depends lacks ${lib//\\/}: $depends"
done
# Installed packages and the virtual ones they provide (libspdlog1.10 provides
# libspdlog1.10-fmt9, the name its shlibs file gives).
dpkg-query -W -f='${db:Status-Status} ${Package}, ${Provides}\n' |
  awk '$1 == "installed" { $1 = ""; print }' | tr ',' '\n' | awk 'NF { print $1 }' |
  sort -u >"$PKG_TMP/provided.txt"
IFS=',' read -ra deps <<<"$depends"
for d in "${deps[@]}"; do
  name=$(awk '{print $1}' <<<"$d")
  grep -qxF "$name" "$PKG_TMP/provided.txt" ||
    fail "Depends names $name, which no installed package is or provides"
done
grep -q 'gnuplot-nox' <<<"$(field Recommends)" ||
  fail "Recommends: '$(field Recommends)', expected gnuplot-nox (the leak charts)"
pass "control fields; Depends: $depends; Recommends: $(field Recommends)"

dpkg-deb -I "$deb" >"$PKG_TMP/info.txt"
for script in postinst postrm; do
  grep -Eq "^ +[0-9]+ bytes, +[0-9]+ lines +\* +$script " "$PKG_TMP/info.txt" ||
    fail "no executable $script in the control archive: $(cat "$PKG_TMP/info.txt")"
done
pass "postinst and postrm"

# 3. Files.
dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$PKG_TMP/files.txt"
want=(/usr/bin/dialsoak /usr/bin/modemsim /usr/bin/dialsoak_bench
  '/usr/lib/systemd/system/dialsoak@.service'
  /usr/share/doc/dialsoak/examples/bank.yaml /usr/share/doc/dialsoak/examples/prometheus-fleet.yml
  '/usr/share/doc/dialsoak/examples/dialsoak@.service' /usr/share/doc/dialsoak/README.md)
while IFS= read -r f; do
  want+=("/usr/share/doc/dialsoak/docs/$f")
done < <(cd "$src/docs" && find . -type f \( -name '*.md' -o -name '*.png' \) | sed 's|^\./||')
grep -q '^/usr/share/doc/dialsoak/docs/.*\.md$' "$PKG_TMP/files.txt" || fail "no docs/*.md in the package"
if [ -d "$src/grafana" ]; then
  while IFS= read -r f; do
    want+=("/usr/share/dialsoak/grafana/$f")
  done < <(cd "$src/grafana" && find . -type f | sed 's|^\./||')
  grep -q '^/usr/share/dialsoak/grafana/dashboards/.*\.json$' "$PKG_TMP/files.txt" ||
    fail "no dashboard in the package"
fi
for f in "${want[@]}"; do
  grep -qxF "$f" "$PKG_TMP/files.txt" || fail "$f is not in the package"
done
outside=$(grep -v '^/usr/' "$PKG_TMP/files.txt" | grep -vx '/' || true)
[ -z "$outside" ] || fail "files outside /usr in the package: $outside"
pass "${#want[@]} expected files in the package, nothing outside /usr"
# The man pages, compressed (Debian policy 12.1), and no other file under /usr/share/man.
man_files=$(grep '^/usr/share/man/.*[^/]$' "$PKG_TMP/files.txt" | sort || true)
want_man=
if [ "$with_man" = 1 ]; then
  want_man=$(for p in dialsoak dialsoak-run dialsoak-capacity dialsoak-report dialsoak-compare modemsim; do
    echo "/usr/share/man/man1/$p.1.gz"
  done | sort)
fi
[ "$man_files" = "$want_man" ] ||
  fail "the package's man pages are not the expected ones: ${man_files:-none}; expected: ${want_man:-none}"
pass "man pages in the package: $(tr '\n' ' ' <<<"${man_files:-none}")"

# 4. Unpacked.
dpkg-deb -x "$deb" "$PKG_TMP/root"
grep -q '^ExecStart=/usr/bin/dialsoak run --config /etc/dialsoak/%i.yaml' \
  "$PKG_TMP/root/usr/lib/systemd/system/dialsoak@.service" ||
  fail "the packaged unit does not start /usr/bin/dialsoak"
out=$("$PKG_TMP/root/usr/bin/dialsoak" --version) || fail "the packaged dialsoak does not run"
[ "$out" = "dialsoak $version" ] || fail "packaged dialsoak --version said '$out'"
pass "packaged unit starts /usr/bin/dialsoak; packaged dialsoak runs"
# The packaged man pages are the build's (man_test.sh renders those).
for f in $man_files; do
  cmp "$build/man/$(basename "$f")" "$PKG_TMP/root$f" || fail "the packaged $f is not the build's"
done
[ -z "$man_files" ] || pass "packaged man pages are the build's man/*.1.gz"
