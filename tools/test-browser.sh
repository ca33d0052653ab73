#!/usr/bin/env bash
# `make test-browser`: the reviewer's comparison page in a real browser (Debian's chromium, headless).
#
# Installs chromium and a CJK font when missing, builds, plays a 20-candidate demo into a temporary database, serves
# it on a free port, logs in as the demo reviewer through the HTML log-in form (curl keeps the HttpOnly session
# cookie), opens the seed's case (北京大学 declared, 中国地质大学(北京) from CHSI), checks that the 院校/形式/专业/入学/毕业
# rows carry the `mismatch` class and that the application's photo is shown, and screenshots the page with chromium.
#
# How the browser sees the page: headless chromium cannot fill a form without a driver, and the session cookie is
# HttpOnly on purpose, so the script saves the authenticated HTML and chromium renders that file. This is faithful
# because every page is self-contained (inline CSS, no script, no image, no other request).
set -euo pipefail
cd "$(dirname "$0")/.."

SCREENSHOT=${SCREENSHOT:-var/screenshots/review-seed-case.png}
REVIEWER=reviewer_1101
PASSWORD=Review2026

missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v curl >/dev/null 2>&1 || missing="$missing curl"
fc-list :lang=zh 2>/dev/null | grep -q . || missing="$missing fonts-wqy-zenhei"
if [ -n "$missing" ]; then
    echo "installing:$missing"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
fi

swift build --product registrar
BIN=.build/debug/registrar

work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

"$BIN" demo --db "$work/demo.sqlite" --candidates 20 >"$work/demo.log"
"$BIN" serve --db "$work/demo.sqlite" --port 0 >"$work/serve.out" 2>"$work/serve.log" &
server=$!
url=""
for _ in $(seq 1 300); do
    url=$(grep -o 'http://[^ ]*' "$work/serve.out" 2>/dev/null | head -n1 || true)
    [ -n "$url" ] && break
    kill -0 "$server" 2>/dev/null || { echo "server exited:"; cat "$work/serve.log"; exit 1; }
    sleep 0.2
done
[ -n "$url" ] || { echo "server did not print its URL"; exit 1; }
url=${url%/}
echo "server at $url"

jar="$work/cookies"
status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" --data-urlencode "username=$REVIEWER" \
    --data-urlencode "password=$PASSWORD" "$url/login")
[ "$status" = 303 ] || { echo "log-in as $REVIEWER answered $status"; exit 1; }
grep -q registrar_session "$jar" || { echo "no session cookie"; exit 1; }

# The seed's case: the application of site 1101 whose comparison has 北京大学 against 中国地质大学(北京).
queue=$(curl -sf -b "$jar" "$url/review/sites/1101")
page=""
for app in $(printf '%s' "$queue" | grep -o '/review/applications/[A-Za-z0-9._-]*' | sort -u); do
    html=$(curl -sf -b "$jar" "$url$app")
    if printf '%s' "$html" | grep -q '中国地质大学(北京)' && printf '%s' "$html" | grep -q '北京大学'; then
        page=$app
        printf '%s' "$html" >"$work/review.html"
        break
    fi
done
[ -n "$page" ] || { echo "the seed case is not in the queue of site 1101"; exit 1; }
echo "seed case: $url$page"

failed=0
for label in 院校 形式 专业 入学 毕业; do
    if grep -q "<tr class=\"mismatch\" data-label=\"$label\">" "$work/review.html"; then
        echo "ok: $label highlighted as a mismatch"
    else
        echo "FAIL: $label is not highlighted as a mismatch"; failed=1
    fi
done
if grep -q '<tr class="not-provided" data-label="学制">' "$work/review.html" && grep -q '学信网未提供' "$work/review.html"; then
    echo "ok: 学制 shown as 学信网未提供"
else
    echo "FAIL: 学制 is not shown as 学信网未提供"; failed=1
fi

# The candidate's photo, as the page links it: fetched with the session (the saved page is opened as a file, where
# the link would not resolve) and shown from beside the page.
photo=$(grep -o 'class="portrait" src="[^"]*"' "$work/review.html" | sed 's/.*src="//; s/"$//')
if [ -n "$photo" ] && [ "$(curl -s -b "$jar" -o "$work/photo.jpg" -w '%{http_code} %{content_type}' "$url$photo")" = "200 image/jpeg" ]; then
    sed -i "s|src=\"$photo\"|src=\"photo.jpg\"|" "$work/review.html"
    echo "ok: the application's photo is shown ($(wc -c <"$work/photo.jpg") bytes of JPEG)"
else
    echo "FAIL: the review page shows no photo of the application"; failed=1
fi

mkdir -p "$(dirname "$SCREENSHOT")"
rm -f "$SCREENSHOT"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1700 \
    --screenshot="$PWD/$SCREENSHOT" "file://$work/review.html" >"$work/chromium.log" 2>&1 || true
[ -s "$SCREENSHOT" ] || { echo "FAIL: chromium wrote no screenshot"; cat "$work/chromium.log"; exit 1; }
echo "screenshot: $SCREENSHOT"
exit $failed
