#!/bin/bash
# Entities across the archive (issue 3): an article that names only "Putin"
# (or "President Putin") and one that says "Vladimir Putin" link to the same
# entity id whatever the import order, in `show`, `entities` and person:
# queries; an id that was folded into another keeps resolving; `entity
# merge` and `entity rename` work and survive `newsindex rebuild`.
. "$(dirname "$0")/lib.sh"

cat > "$T/surname.jsonl" << 'EOF'
{"url": "https://a.example/kremlin-talks", "title": "Kremlin talks continue", "published": "2025-12-02T10:00:00Z", "source": "Alpha Post", "body": "President Putin said on Tuesday that the talks with the American envoy were useful. Putin added that more meetings would follow in January."}
EOF
cat > "$T/fullname.jsonl" << 'EOF'
{"url": "https://b.example/envoy-meets-leader", "title": "Envoy meets Russian leader", "published": "2025-12-03T10:00:00Z", "source": "Beta News", "body": "Vladimir Putin met the envoy Steve Witkoff in Moscow on Wednesday. Witkoff told reporters that the meeting had been constructive."}
EOF
cat > "$T/variant.jsonl" << 'EOF'
{"url": "https://c.example/envoy-returns", "title": "Envoy flies home", "published": "2025-12-04T10:00:00Z", "source": "Gamma Daily", "body": "Steven Witkoff flew back to Washington on Thursday after two days of talks."}
EOF

# article id by URL word; entity id of NAME in an article's show output
aid() { nq search "$1" --limit 1 --format json | cj - get 0.id; }
show_entity() { # ARTICLE NAME
    local json n i
    json=$(nq show "$1" --format json) || return 1
    n=$(printf '%s' "$json" | cj - length entities) || return 1
    for ((i = 0; i < n; i++)); do
        if [ "$(printf '%s' "$json" | cj - get "entities.$i.name")" = "$2" ]; then
            printf '%s' "$json" | cj - get "entities.$i.id"
            return 0
        fi
    done
    echo "none"
}
list_entity() { # NAME -> id from `newsquery entities`
    local json n i
    json=$(nq entities --format json) || return 1
    n=$(printf '%s' "$json" | cj - length .) || return 1
    for ((i = 0; i < n; i++)); do
        if [ "$(printf '%s' "$json" | cj - get "$i.name")" = "$1" ]; then
            printf '%s' "$json" | cj - get "$i.id"
            return 0
        fi
    done
    echo "none"
}
hits() { nq search "$1" --format json | cj - length .; }

for order in surname-first fullname-first; do
    A="$T/$order"
    if [ "$order" = surname-first ]; then
        ni -q import "$T/surname.jsonl" 2> /dev/null || exit 1
        old=$(show_entity "$(aid talks)" Putin)
        ni -q import "$T/fullname.jsonl" 2> /dev/null || exit 1
    else
        ni -q import "$T/fullname.jsonl" "$T/surname.jsonl" 2> /dev/null || exit 1
        old=""
    fi
    a1=$(aid talks)
    a2=$(aid constructive)
    e1=$(show_entity "$a1" "Vladimir Putin")
    e2=$(show_entity "$a2" "Vladimir Putin")
    expect_eq "$order: surname-only article shows the full-name entity" "$([ "$e1" != none ] && echo yes)" yes
    expect_eq "$order: both articles carry the same entity id" "$e1" "$e2"
    expect_eq "$order: newsquery entities lists that id" "$(list_entity "Vladimir Putin")" "$e1"
    expect_eq "$order: no separate 'Putin' entity is listed" "$(list_entity Putin)" none
    expect_eq "$order: person:Putin finds both articles" "$(hits person:Putin)" 2
    expect_eq "$order: person:\"Vladimir Putin\" finds both articles" \
        "$(hits 'person:"Vladimir Putin"')" 2
    if [ -n "$old" ]; then
        expect_eq "$order: the surname entity got its own id first" \
            "$([ "$old" != none ] && [ "$old" != "$e1" ] && echo yes)" yes
        nq entities --with "$old" --format json > "$T/with-old.json"
        expect_grep "$order: the old id's co-occurring entities are listed" \
            "$T/with-old.json" '"Moscow"'
        expect_eq "$order: the old id stands for the full-name entity" \
            "$(nq entities --with "$old" --format json)" \
            "$(nq entities --with "$e1" --format json)"
        expect_eq "$order: the old name still resolves in person: queries" \
            "$(hits person:Putin)" 2
    fi
done

# ---- refused corrections ----
A="$T/surname-first"
a2=$(aid constructive)
steve=$(show_entity "$a2" "Steve Witkoff")
place=$(show_entity "$a2" Moscow)
ni -q entity merge "$steve" 999999 2> /dev/null
expect_status "merge into an unknown entity is refused" $? 2
ni -q entity merge "$place" "$steve" 2> "$T/err"
expect_status "merging a place into a person is refused" $? 2
expect_grep "the refusal names both kinds" "$T/err" "place"
ni -q entity rename "$steve" "Vladimir Putin" 2> /dev/null
expect_status "renaming to another entity's name is refused" $? 2
ni -q entity bogus 2> /dev/null
expect_status "unknown entity subcommand" $? 2

# ---- merge and rename, then rebuild ----
check_corrections() { # WHEN
    expect_eq "$1: merged variant shows the target id" \
        "$(show_entity "$a3" "Steve C. Witkoff")" "$steve"
    expect_eq "$1: renamed entity is listed with its new name and id" \
        "$(list_entity "Steve C. Witkoff")" "$steve"
    expect_eq "$1: the old name still finds both articles" \
        "$(hits 'person:"Steve Witkoff"')" 2
    expect_eq "$1: the merged name finds both articles" \
        "$(hits 'person:"Steven Witkoff"')" 2
    expect_eq "$1: the merged id stands for the target" \
        "$(nq entities --with "$steven" --format json)" \
        "$(nq entities --with "$steve" --format json)"
    expect_eq "$1: no entity keeps the merged variant's name" \
        "$(list_entity "Steven Witkoff")" none
}
A="$T/corrections"
ni -q import "$T/surname.jsonl" "$T/fullname.jsonl" "$T/variant.jsonl" 2> /dev/null || exit 1
a2=$(aid constructive)
a3=$(aid Thursday)
steve=$(show_entity "$a2" "Steve Witkoff")
steven=$(show_entity "$a3" "Steven Witkoff")
expect_eq "a variant full name starts as its own entity" \
    "$([ "$steven" != none ] && [ "$steven" != "$steve" ] && echo yes)" yes
ni -q entity merge "$steven" "$steve" || not_ok "merge in the clean archive"
ni -q entity rename "$steve" "Steve C. Witkoff" || not_ok "rename in the clean archive"
check_corrections "before rebuild"
ni -q rebuild 2> /dev/null
expect_status "rebuild" $? 0
check_corrections "after rebuild"
expect_eq "after rebuild: surname-only article still on the full-name entity" \
    "$(show_entity "$(aid talks)" "Vladimir Putin")" "$(show_entity "$a2" "Vladimir Putin")"

finish
