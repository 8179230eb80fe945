#!/bin/bash
# Hostile input end to end: external entities (file and network), entity
# expansion bombs, 100,000-level nesting, 200 MB documents, invalid UTF-8
# and NUL bytes, script/style/iframe content, and SQL injection attempts in
# every string option. Each is refused or recovered from with a message, in
# bounded time and memory, and nothing but literal matches come back.
#   HOSTILE_BIG_MB  size of the huge documents (default 200)
. "$(dirname "$0")/lib.sh"

big_mb=${HOSTILE_BIG_MB:-200}
TIME=/usr/bin/time
# exit status of a run that must not crash: 0 (all stored) or 4 (some
# input refused) are fine; 124 is a timeout, >= 128 a signal.
no_crash() { # WHAT STATUS
    case $2 in 0|4) ok "$1 (exit $2)" ;; *) not_ok "$1: exit $2" ;; esac
}
# max RSS in kB of the last run measured with /usr/bin/time -v into FILE
rss_kb() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }

# --- a listener on 127.0.0.1 that records any connection -----------------
python3 - "$T/port" "$T/connections" <<'PY' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16); s.settimeout(0.2)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
end = time.time() + 600
n = 0
while time.time() < end:
    try:
        c, _ = s.accept()
        n += 1
        open(sys.argv[2], "w").write(str(n))
        c.close()
    except socket.timeout:
        pass
PY
listener=$!
trap 'kill $listener 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 1 50); do [ -s "$T/port" ] && break; sleep 0.1; done
port=$(cat "$T/port")

# --- external entities: file, network, parameter entities, DTD, XInclude -
mkdir -p "$T/xxe"
cat > "$T/xxe/file.rss" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0"><channel><title>XXE file</title><link>https://xxe.example/</link>
<item><title>File leak &secret; marker</title><link>https://xxe.example/file</link>
<description>Body &secret; end of xxefile body.</description></item></channel></rss>
EOF
cat > "$T/xxe/net.rss" <<EOF
<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:$port/feed.dtd" [
  <!ENTITY net SYSTEM "http://127.0.0.1:$port/leak">
  <!ENTITY dead SYSTEM "http://127.0.0.1:1/">
  <!ENTITY % remote SYSTEM "http://127.0.0.1:$port/param.dtd">
  %remote;
]>
<rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude"><channel><title>XXE net</title>
<link>https://xxe.example/</link>
<item><title>Net leak &net; &dead; marker</title><link>https://xxe.example/net</link>
<description>Body of xxenet <xi:include href="http://127.0.0.1:$port/xinclude" parse="text"/> end.</description></item>
</channel></rss>
EOF
for f in file net; do
    timeout 30 "$NEWSINDEX" --archive "$A" import "$T/xxe/$f.rss" > /dev/null 2> "$T/xxe-$f.err"
    no_crash "XXE ($f) import" $?
    timeout 30 "$NEWSINDEX" --archive "$A" inspect "$T/xxe/$f.rss" > "$T/xxe-$f.inspect" 2>&1
done
nq search 'marker' --format json --limit 0 > "$T/xxe.json"
nq search 'xxefile OR xxenet' --count > "$T/xxe.count"
expect_eq "XXE items themselves were stored" "$(cat "$T/xxe.count")" 2
cat "$T"/xxe-*.inspect >> "$T/xxe.json"
expect_no_grep "no /etc/passwd content stored or printed" "$T/xxe.json" "root:x:0"
expect_no_grep "no /etc/passwd content (nologin)" "$T/xxe.json" "nologin"
sleep 0.5
expect_eq "no network connection was attempted" "$(cat "$T/connections" 2>/dev/null || echo 0)" 0

# --- entity expansion bombs: bounded time and memory ---------------------
{
    echo '<?xml version="1.0"?><!DOCTYPE rss ['
    echo '<!ENTITY a0 "ha">'
    for i in $(seq 1 12); do
        printf '<!ENTITY a%d "' "$i"; for _ in $(seq 1 10); do printf '&a%d;' $((i - 1)); done; echo '">'
    done
    echo ']><rss version="2.0"><channel><title>Laughs</title><link>https://bomb.example/</link>'
    echo '<item><title>Bomb &a12;</title><link>https://bomb.example/1</link><description>&a12;&a12;</description></item>'
    echo '</channel></rss>'
} > "$T/laughs.rss"
python3 - "$T/quadratic.rss" <<'PY'
import sys
big = "q" * 100000
refs = "&big;" * 20000
open(sys.argv[1], "w").write('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "%s">]>'
    '<rss version="2.0"><channel><title>Quadratic</title><link>https://bomb.example/</link>'
    '<item><title>Quadratic blowup</title><link>https://bomb.example/q</link>'
    '<description>%s</description></item></channel></rss>' % (big, refs))
PY
for f in laughs quadratic; do
    timeout 60 $TIME -v "$NEWSINDEX" --archive "$A" import "$T/$f.rss" > /dev/null 2> "$T/$f.err"
    st=$?
    no_crash "$f bomb" "$st"
    kb=$(rss_kb "$T/$f.err")
    [ -n "$kb" ] && [ "$kb" -lt 400000 ] && ok "$f bomb: max RSS ${kb} kB < 400 MB" \
        || not_ok "$f bomb: max RSS ${kb:-?} kB"
done

# --- 100,000 levels of nesting: XML elements and HTML in a description ---
python3 - "$T/deep-xml.rss" "$T/deep-html.rss" <<'PY'
import sys
n = 100000
head = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Deep</title>'
        '<link>https://deep.example/</link>')
open(sys.argv[1], "w").write(head + '<item><title>Deep xml nesting</title>'
    '<link>https://deep.example/x</link><description>deepxml text</description>'
    + "<x>" * n + "core" + "</x>" * n + '</item></channel></rss>')
open(sys.argv[2], "w").write(head + '<item><title>Deep html nesting</title>'
    '<link>https://deep.example/h</link><description><![CDATA[deephtml text '
    + "<div><b>" * n + "core" + "</b></div>" * n + ']]></description></item></channel></rss>')
PY
for f in deep-xml deep-html; do
    timeout 60 $TIME -v "$NEWSINDEX" --archive "$A" import "$T/$f.rss" > /dev/null 2> "$T/$f.err"
    no_crash "$f: 100,000 levels" $?
    kb=$(rss_kb "$T/$f.err")
    [ -n "$kb" ] && [ "$kb" -lt 400000 ] && ok "$f: max RSS ${kb} kB" || not_ok "$f: max RSS ${kb:-?} kB"
done
expect_eq "deep HTML item still stored" "$(nq search deephtml --count)" 1

# --- huge documents: refused (or processed) in bounded memory and time ---
python3 - "$T/big.rss" "$big_mb" <<'PY'
import sys
item = '<item><title>Big item %d</title><link>https://big.example/%d</link><description>' + 'word ' * 200 + '</description></item>\n'
with open(sys.argv[1], "w") as f:
    f.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title><link>https://big.example/</link>\n')
    i = 0
    while f.tell() < int(sys.argv[2]) << 20:
        f.write(item % (i, i)); i += 1
    f.write('</channel></rss>\n')
PY
timeout 120 $TIME -v "$NEWSINDEX" --archive "$A" import "$T/big.rss" > /dev/null 2> "$T/big.err"
no_crash "${big_mb} MB feed" $?
expect_grep "${big_mb} MB feed: refused with a message" "$T/big.err" "too large"
kb=$(rss_kb "$T/big.err")
[ -n "$kb" ] && [ "$kb" -lt 700000 ] && ok "${big_mb} MB feed: max RSS ${kb} kB < 700 MB" \
    || not_ok "${big_mb} MB feed: max RSS ${kb:-?} kB"
rm -f "$T/big.rss"
python3 - "$T/big.jsonl" "$big_mb" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"url":"https://big.example/small","title":"Small line before the giant","body":"bigjsonl ok"}\n')
    f.write('{"url":"https://big.example/huge","title":"Giant","body":"')
    chunk = "word " * 200000
    while f.tell() < int(sys.argv[2]) << 20:
        f.write(chunk)
    f.write('"}\n')
PY
timeout 120 $TIME -v "$NEWSINDEX" --archive "$A" import --no-enrich "$T/big.jsonl" > /dev/null 2> "$T/bigj.err"
no_crash "${big_mb} MB JSON line" $?
expect_grep "${big_mb} MB JSON line: skipped with a message" "$T/bigj.err" "line 2: line longer than"
kb=$(rss_kb "$T/bigj.err")
[ -n "$kb" ] && [ "$kb" -lt 400000 ] && ok "${big_mb} MB JSON line: max RSS ${kb} kB < 400 MB" \
    || not_ok "${big_mb} MB JSON line: max RSS ${kb:-?} kB"
expect_eq "the line before the giant was stored" "$(nq search bigjsonl --count)" 1
rm -f "$T/big.jsonl"

# --- invalid UTF-8, wrong declared encodings and NUL bytes ----------------
python3 - "$T/enc" <<'PY'
import os, sys
d = sys.argv[1]; os.makedirs(d)
def feed(title, desc, enc="UTF-8"):
    return (b'<?xml version="1.0" encoding="' + enc.encode() + b'"?><rss version="2.0"><channel>'
            b'<title>Enc</title><link>https://enc.example/</link><item><title>' + title +
            b'</title><link>https://enc.example/' + os.urandom(4).hex().encode() +
            b'</link><description>' + desc + b'</description></item></channel></rss>')
open(d + "/bad-utf8.rss", "wb").write(feed(b"Bad \xff\xfe utf8 encmark", b"caf\xc3 \xe9 \xed\xa0\x80 surrogate encmark"))
open(d + "/nul.rss", "wb").write(feed(b"Nul \x00 inside encmark", b"before\x00after encmark"))
open(d + "/wrong-decl.rss", "wb").write(feed("Caf\u00e9 declared latin1 encmark".encode(), b"body encmark", "ISO-8859-1"))
open(d + "/utf16-decl.rss", "wb").write(feed(b"Ascii declared utf16 encmark", b"body encmark", "UTF-16"))
open(d + "/lines.jsonl", "wb").write(
    b'{"url":"https://enc.example/j1","title":"Raw \xff\xfe bytes encmark","body":"x \xc3 y encmark"}\n'
    b'{"url":"https://enc.example/j2","title":"Escaped nul \\u0000 encmark","body":"a\\u0000b encmark"}\n'
    b'{"url":"https://enc.example/j3","title":"Raw nul \x00 encmark","body":"encmark"}\n'
    b'{"url":"https://enc.example/j4","title":"Lone surrogate \\ud800 encmark","body":"encmark"}\n')
PY
for f in "$T"/enc/*; do
    timeout 30 "$NEWSINDEX" --archive "$A" import "$f" > /dev/null 2> "$T/enc.err"
    no_crash "$(basename "$f")" $?
done
nq search encmark --format json --limit 0 > "$T/enc.json"
python3 - "$T/enc.json" <<'PY' > "$T/enc.check" 2>&1
import json, sys
raw = open(sys.argv[1], "rb").read()
raw.decode("utf-8")                      # strict: raises on invalid UTF-8
hits = json.loads(raw)
assert all("\x00" not in json.dumps(h) and "\\u0000" not in json.dumps(h) for h in hits), "NUL in output"
print("valid", len(hits))
PY
expect_grep "stored text is valid UTF-8 without NULs" "$T/enc.check" "^valid [1-9]"

# --- script/style/iframe never reach stored text -------------------------
cat > "$T/markup.rss" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Hostile Markup</title><link>https://markup.example/</link>
<item><title>Markup item one</title><link>https://markup.example/a</link>
<description><![CDATA[<p>Visible harbour text.</p><script>var SCRIPTMARK = 1;</script><style>.STYLEMARK{color:red}</style><iframe src="x">IFRAMEMARK</iframe>]]></description>
<content:encoded><![CDATA[<p>Visible harbour body.</p><SCRIPT type="text/javascript">document.write("SCRIPTMARK")</SCRIPT><p>After.</p><style>STYLEMARK</style><iframe>IFRAMEMARK</iframe><script><!-- SCRIPTMARK --></script><script>unclosed SCRIPTMARK]]></content:encoded></item>
<item><title>Escaped &lt;script&gt;SCRIPTMARK&lt;/script&gt; markup</title><link>https://markup.example/b</link>
<description>&lt;p&gt;Escaped harbour text&lt;/p&gt;&lt;script&gt;alert("SCRIPTMARK")&lt;/script&gt;&lt;iframe&gt;IFRAMEMARK&lt;/iframe&gt;&lt;style&gt;STYLEMARK&lt;/style&gt;</description></item>
</channel></rss>
EOF
ni import "$T/markup.rss" > /dev/null 2>&1
no_crash "markup feed" $?
: > "$T/markup.out"
for id in $(nq search harbour --format jsonl --limit 0 | sed -n 's/^{"id":\([0-9]*\).*/\1/p'); do
    nq show "$id" --format json >> "$T/markup.out" 2>&1
done
expect_grep "markup articles stored" "$T/markup.out" "Visible harbour"
expect_no_grep "no script content stored" "$T/markup.out" "SCRIPTMARK"
expect_no_grep "no style content stored" "$T/markup.out" "STYLEMARK"
expect_no_grep "no iframe content stored" "$T/markup.out" "IFRAMEMARK"
expect_eq "script words are not searchable" "$(nq search 'SCRIPTMARK OR STYLEMARK OR IFRAMEMARK' --count)" 0

# --- SQL injection attempts: nothing but literal matches ------------------
cat > "$T/sqli.jsonl" <<'EOF'
{"url":"https://sqli.example/1","source":"O'Hare \"Daily\"; DROP TABLE article;--","title":"Quoted source one","body":"injection literal test one"}
{"url":"https://sqli.example/2","source":"O'Hare \"Daily\"; DROP TABLE article;--","title":"Quoted source two","body":"injection literal test two"}
{"url":"https://sqli.example/3","source":"Plain Source","title":"Plain source three","body":"injection literal test three"}
EOF
ni import "$T/sqli.jsonl" > /dev/null 2>&1
before=$(ni stats --format json | cj - get articles)
expect_eq "the quoted source matches literally" \
    "$(nq search injection --source "O'Hare \"Daily\"; DROP TABLE article;--" --count 2>&1)" 2
: > "$T/sqli.err"
for s in "x' OR '1'='1" "' OR 1=1 --" "%" "_" "*" "\\" "Plain%" "Plain_Source" \
         "'; DROP TABLE article; --" "\") OR 1=1 --" "O'Hare%"; do
    n=$(nq search injection --source "$s" --count 2>> "$T/sqli.err")
    st=$?
    [ "$st" -le 1 ] && [ "${n:-0}" = 0 ] && ok "--source '$s' matches nothing" \
        || not_ok "--source '$s': exit $st, $n matches"
    nq timeline injection --source "$s" > /dev/null 2>> "$T/sqli.err"
    st=$?; [ "$st" -le 1 ] && ok "timeline --source '$s' (exit $st)" || not_ok "timeline --source '$s': exit $st"
    for field in person place org source; do
        q="$field:\"${s//\"/}\""
        n=$(nq search "$q" --count 2>> "$T/sqli.err")
        st=$?
        # a query the parser refuses (exit 2) is fine; a match is not
        [ "$st" -le 2 ] && [ "${n:-0}" = 0 ] && ok "$q matches nothing (exit $st)" \
            || not_ok "$q: exit $st, $n matches"
    done
done
expect_no_grep "no SQL error leaks out" "$T/sqli.err" "SQL\|sqlite\|syntax error near"
expect_eq "nothing was dropped or added" "$(ni stats --format json | cj - get articles)" "$before"
ni check > /dev/null 2>&1
expect_status "archive sound after all hostile input" $? 0
finish
