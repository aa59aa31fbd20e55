//! Conversation threading and de-duplication keys for messages.
//!
//! Every e-mail record (EML, mbox member, MSG, PST item, TNEF) carries two
//! keys in `meta`:
//!
//! - `thread`: [`thread_key`], the same for every message of one
//!   conversation, so a schedule can order a thread and quoted reply chains
//!   can be recognised;
//! - `dedup_key`: [`dedup_key`], the same for one message held in several
//!   exports (a PST and a folder of .msg files, two custodians' mailboxes),
//!   and different for two messages that reuse a Message-ID.
//!
//! Both are computed from the message alone (no corpus-wide state), so they
//! are stable across re-indexing. A per-message key cannot join a reply
//! whose client dropped In-Reply-To and References to its thread; for that,
//! [`conversations`] groups a *set* of records (the hits of a search, the
//! documents of a bundle) with what the whole set knows: shared message ids,
//! Outlook conversation keys, and the normalised subject of an unlinked
//! `Re:`/`Fw:` message. The mail module (EML/mbox) calls the same
//! per-message functions as the Outlook modules:
//!
//! ```ignore
//! let thread = crate::thread::thread_key(mid, irt, refs, None, subject);
//! let dedup = crate::thread::dedup_key(mid, subject, body);
//! ```
//!
//! Attachments never get a dedup key of their own: an identical attachment
//! in two different messages stays a child of each (the SAR bundle must show
//! both), so only the message-level key is used to merge locations.

use sarx_model::metakey;
use std::collections::HashMap;

use sarx_model::{Kind, Record};

/// The conversation key of a message.
///
/// Arguments are raw header values as written (`<id@host>` with or without
/// angle brackets; `references` is the whole References header):
/// `conversation_index` is the binary Outlook `PR_CONVERSATION_INDEX` /
/// decoded `Thread-Index` header.
///
/// The first source that is present wins:
/// 1. the Outlook conversation index: its first 22 bytes (the header block
///    shared by every message of an Outlook conversation) → `conv:<hex>`.
///    It comes first because Outlook stores carry it on the root message
///    *and* on replies, while the root has no In-Reply-To: taking
///    In-Reply-To first would split every Outlook thread in two;
/// 2. the root (first id) of References → `id:<root>`;
/// 3. In-Reply-To → `id:<parent>`;
/// 4. the message's own Message-ID → `id:<own>` (a thread's first message
///    then shares the key that its replies get from steps 2 and 3);
/// 5. the normalised subject (lower case, `Re:`/`Fw:`/`AW:`/`WG:`/`SV:`…
///    prefixes and `[tags]` removed, white space collapsed) → `subject:<s>`.
///
/// Returns an empty string when none of these is known; callers leave
/// `meta.thread` unset then (an empty key must not group unrelated messages).
pub(crate) fn thread_key(
    message_id: Option<&str>,
    in_reply_to: Option<&str>,
    references: Option<&str>,
    conversation_index: Option<&[u8]>,
    subject: Option<&str>,
) -> String {
    if let Some(ci) = conversation_index {
        if let Some(head) = ci.get(..22) {
            let hex: String = head.iter().map(|b| format!("{b:02x}")).collect();
            return format!("conv:{hex}");
        }
    }
    if let Some(root) = references.and_then(|r| msg_ids(r).into_iter().next()) {
        return format!("id:{root}");
    }
    if let Some(parent) = in_reply_to.and_then(|r| msg_ids(r).into_iter().next()) {
        return format!("id:{parent}");
    }
    if let Some(own) = message_id.and_then(|r| msg_ids(r).into_iter().next()) {
        return format!("id:{own}");
    }
    let s = normalise_subject(subject.unwrap_or(""));
    if s.is_empty() {
        String::new()
    } else {
        format!("subject:{s}")
    }
}

/// The de-duplication key of a message.
///
/// `mid:<message-id>#<hash>` (or `content:<hash>` without a Message-ID),
/// where the hash is blake3 over the subject and body reduced to lower-case
/// letters and digits. That reduction makes the key survive the differences
/// between exports of one message (CRLF vs LF, wrapped lines, HTML-to-text
/// spacing, a trailing signature blank line), while two different messages
/// that reuse a Message-ID (some mailers do) keep different keys.
pub(crate) fn dedup_key(message_id: Option<&str>, subject: &str, body: &str) -> String {
    let keep = |c: char| c.is_alphanumeric() || c == '\u{0}';
    // Hashed in one update (the same hash as a character at a time).
    let mut reduced = String::with_capacity(subject.len() + body.len() + 1);
    reduced.extend(normalise_subject(subject).chars().filter(|&c| keep(c)));
    reduced.push('\u{0}');
    for c in body.chars() {
        if c.is_ascii() {
            if keep(c) {
                reduced.push(c.to_ascii_lowercase());
            }
        } else {
            reduced.extend(c.to_lowercase().filter(|&c| keep(c)));
        }
    }
    let hash = blake3::hash(reduced.as_bytes()).to_hex();
    let short: String = hash.as_str().chars().take(32).collect();
    match message_id.and_then(|m| msg_ids(m).into_iter().next()) {
        Some(id) => format!("mid:{id}#{short}"),
        None => format!("content:{short}"),
    }
}

/// Message ids in a header value, lower-cased, without angle brackets.
/// A value without brackets is taken whole (some stores drop them).
fn msg_ids(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let after = rest.get(start + 1..).unwrap_or("");
        match after.find('>') {
            Some(end) => {
                let id = after.get(..end).unwrap_or("").trim();
                if !id.is_empty() {
                    out.push(id.to_lowercase());
                }
                rest = after.get(end + 1..).unwrap_or("");
            }
            None => break,
        }
    }
    if out.is_empty() {
        let t = value.trim();
        if !t.is_empty() {
            out.extend(t.split_whitespace().map(str::to_lowercase));
        }
    }
    out
}

/// Subject without reply/forward prefixes or `[list tags]`, lower case,
/// single spaces.
pub(crate) fn normalise_subject(subject: &str) -> String {
    strip_subject(subject).0
}

/// [`normalise_subject`], and whether a reply/forward prefix was removed.
fn strip_subject(subject: &str) -> (String, bool) {
    let mut reply = false;
    const PREFIXES: [&str; 14] = [
        "re", "fw", "fwd", "aw", "wg", "sv", "vs", "tr", "antw", "rif", "r", "réf", "ref", "res",
    ];
    let mut s: String = subject
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    loop {
        let t = s.trim_start();
        // "[tag] rest"
        if let Some(after) = t.strip_prefix('[') {
            if let Some(end) = after.find(']') {
                s = after.get(end + 1..).unwrap_or("").to_owned();
                continue;
            }
        }
        let mut stripped = None;
        if let Some(colon) = t.find([':', '：']) {
            let head = t.get(..colon).unwrap_or("");
            // "Re:", "RE[2]:", "Re(3):"
            let word = head.split(['[', '(']).next().unwrap_or("").trim();
            if PREFIXES.contains(&word) {
                let colon_len = t
                    .get(colon..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8);
                stripped = Some(t.get(colon + colon_len..).unwrap_or("").to_owned());
            }
        }
        match stripped {
            Some(rest) => {
                s = rest;
                reply = true;
            }
            None => {
                s = t.trim().to_owned();
                break;
            }
        }
    }
    (s, reply)
}

/// Groups the e-mail records of a set into conversations.
///
/// Returns, for each record (same order), the key of its conversation, or
/// `None` for a record that is not an e-mail. Two e-mails share a key when
///
/// 1. they share a message id: one's Message-ID is in the other's
///    In-Reply-To or References, or both refer to the same message (the
///    root need not be in the set);
/// 2. they share an Outlook conversation key (`meta.thread` = `conv:…`) or,
///    having no ids at all, the same subject key (`subject:…`);
/// 3. one is a reply or forward (`Re:`, `FW:`, `AW:`… prefix) with neither
///    In-Reply-To nor References (its client dropped them) and the other has
///    the same normalised subject and is not later: the reply joins the
///    conversation of the latest such message. A message *without* a reply
///    prefix is never joined by subject (a new message that reuses a subject
///    starts a new conversation), and subjects must match exactly after
///    normalisation (`… bedroom, Flat 7` never joins `… bathroom, Flat 7`).
///
/// A conversation's key is the per-message `meta.thread` of its earliest
/// member (by date, then source and locator), so a thread whose root is in
/// the set is keyed `id:<root message id>` like its members' own keys. The
/// result does not depend on the order of `records`.
pub fn conversations(records: &[&Record]) -> Vec<Option<String>> {
    let n = records.len();
    let mut sets = DisjointSets::new(n);
    let is_mail = |i: usize| records.get(i).is_some_and(|r| r.kind == Kind::Email);
    let date = |i: usize| records.get(i).and_then(|r| record_date(r));
    let order_key = |i: usize| {
        records
            .get(i)
            .map(|r| (record_date(r), r.source.as_str(), r.locator.as_str()))
    };

    // 1–2: shared tokens.
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut linked = vec![false; n];
    for (i, r) in records.iter().enumerate() {
        if r.kind != Kind::Email {
            continue;
        }
        let mut tokens: Vec<String> = Vec::new();
        if let Some(own) = r
            .meta
            .get(metakey::MESSAGE_ID)
            .and_then(|v| msg_ids(v).into_iter().next())
        {
            tokens.push(format!("id:{own}"));
        }
        for key in [metakey::IN_REPLY_TO, metakey::REFERENCES] {
            for id in r.meta.get(key).map(|v| msg_ids(v)).unwrap_or_default() {
                tokens.push(format!("id:{id}"));
                set(&mut linked, i);
            }
        }
        match r.meta.get(metakey::THREAD) {
            Some(t) if t.starts_with("conv:") => {
                tokens.push(t.clone());
                set(&mut linked, i);
            }
            Some(t) if t.starts_with("subject:") => tokens.push(t.clone()),
            _ => {}
        }
        for t in tokens {
            match first.get(&t) {
                Some(&j) => sets.union(i, j),
                None => {
                    first.insert(t, i);
                }
            }
        }
    }

    // 3: unlinked replies join by subject, earliest first.
    let mut by_subject: HashMap<String, Vec<usize>> = HashMap::new();
    let mut replies: Vec<(usize, String)> = Vec::new();
    for (i, r) in records.iter().enumerate() {
        if r.kind != Kind::Email {
            continue;
        }
        let (subject, reply) = strip_subject(&r.title);
        if subject.is_empty() {
            continue;
        }
        if reply && !linked.get(i).copied().unwrap_or(true) {
            replies.push((i, subject.clone()));
        }
        by_subject.entry(subject).or_default().push(i);
    }
    replies.sort_by_key(|(i, _)| order_key(*i));
    for list in by_subject.values_mut() {
        list.sort_by_key(|&j| order_key(j));
    }
    for (i, subject) in replies {
        let Some(list) = by_subject.get(&subject) else {
            continue;
        };
        // Messages not later than this one (or undated) are a prefix of the
        // sorted list; the latest of them in another conversation wins.
        let end = match date(i) {
            Some(di) => list.partition_point(|&j| date(j).is_none_or(|dj| dj <= di)),
            None => list.len(),
        };
        let target = list
            .get(..end)
            .unwrap_or_default()
            .iter()
            .rev()
            .copied()
            .find(|&j| sets.find(j) != sets.find(i));
        if let Some(j) = target {
            sets.union(i, j);
        }
    }

    // Keys: the earliest member's own thread key.
    let mut earliest: HashMap<usize, usize> = HashMap::new();
    for i in (0..n).filter(|&i| is_mail(i)) {
        let root = sets.find(i);
        let e = earliest.entry(root).or_insert(i);
        if order_key(i) < order_key(*e) {
            *e = i;
        }
    }
    (0..n)
        .map(|i| {
            if !is_mail(i) {
                return None;
            }
            let e = earliest.get(&sets.find(i)).copied().unwrap_or(i);
            let r = records.get(e)?;
            Some(
                r.meta
                    .get(metakey::THREAD)
                    .filter(|t| !t.is_empty())
                    .cloned()
                    .unwrap_or_else(|| format!("record:{}", r.id)),
            )
        })
        .collect()
}

fn set(flags: &mut [bool], i: usize) {
    if let Some(f) = flags.get_mut(i) {
        *f = true;
    }
}

/// Sent date, else modified, else created (RFC 3339 UTC strings compare in time order).
fn record_date(r: &Record) -> Option<&str> {
    r.dates
        .sent
        .as_deref()
        .or(r.dates.modified.as_deref())
        .or(r.dates.created.as_deref())
}

/// Union-find over `0..n` with path halving.
struct DisjointSets {
    parent: Vec<usize>,
}

impl DisjointSets {
    fn new(n: usize) -> Self {
        DisjointSets {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while let Some(&p) = self.parent.get(i) {
            if p == i {
                break;
            }
            let gp = self.parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(i) {
                *slot = gp;
            }
            i = p;
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // The smaller index becomes the root: deterministic.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            if let Some(slot) = self.parent.get_mut(hi) {
                *slot = lo;
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn subjects_normalise() {
        let cases = [
            ("Re: Repairs", "repairs"),
            ("RE: FW: Repairs  needed", "repairs needed"),
            ("AW: WG: Antw: Miete", "miete"),
            ("Re[2]: rent", "rent"),
            ("[housing-list] Re: rent", "rent"),
            ("Fwd:Re:rent", "rent"),
            ("Rent arrears: March", "rent arrears: march"),
            ("Reply needed", "reply needed"),
            ("", ""),
            ("Re: ", ""),
        ];
        for (input, want) in cases {
            assert_eq!(normalise_subject(input), want, "{input:?}");
        }
    }

    #[test]
    fn thread_key_priorities() {
        let ci: Vec<u8> = (0u8..27).collect();
        let conv = format!(
            "conv:{}",
            (0u8..22).map(|b| format!("{b:02x}")).collect::<String>()
        );
        // (message id, in-reply-to, references, conversation index, subject, key)
        type Row<'a> = (
            Option<&'a str>,
            Option<&'a str>,
            Option<&'a str>,
            Option<&'a [u8]>,
            Option<&'a str>,
            String,
        );
        let table: Vec<Row<'_>> = vec![
            (
                Some("<c@x>"),
                Some("<b@x>"),
                Some("<a@x> <b@x>"),
                Some(&ci),
                Some("Re: s"),
                conv.clone(),
            ),
            (
                Some("<c@x>"),
                Some("<b@x>"),
                Some("<A@x>\r\n <b@x>"),
                None,
                Some("Re: s"),
                "id:a@x".into(),
            ),
            (
                Some("<c@x>"),
                Some("<b@x>"),
                None,
                None,
                Some("Re: s"),
                "id:b@x".into(),
            ),
            (Some("<c@x>"), None, None, None, Some("s"), "id:c@x".into()),
            (
                None,
                None,
                None,
                None,
                Some("Fw: Re: Boiler"),
                "subject:boiler".into(),
            ),
            (
                None,
                None,
                None,
                Some(&ci[..10]),
                Some("x"),
                "subject:x".into(),
            ),
            (None, None, None, None, None, String::new()),
            (None, None, Some("  "), None, Some("Re:"), String::new()),
        ];
        for (mid, irt, refs, ci, subj, want) in table {
            assert_eq!(thread_key(mid, irt, refs, ci, subj), want);
        }
    }

    #[test]
    fn a_thread_groups_root_and_replies() {
        let root = thread_key(Some("<root@x>"), None, None, None, Some("Boiler"));
        let reply = thread_key(
            Some("<r1@x>"),
            Some("<root@x>"),
            Some("<root@x>"),
            None,
            Some("Re: Boiler"),
        );
        let reply2 = thread_key(
            Some("<r2@x>"),
            Some("<r1@x>"),
            Some("<root@x> <r1@x>"),
            None,
            Some("RE: Boiler"),
        );
        assert_eq!(root, reply);
        assert_eq!(root, reply2);
        let other = thread_key(Some("<o@x>"), None, None, None, Some("Boiler"));
        assert_ne!(root, other);
    }

    /// The key as first written: one hasher update per character.
    fn dedup_key_reference(message_id: Option<&str>, subject: &str, body: &str) -> String {
        let mut h = blake3::Hasher::new();
        let mut buf = [0u8; 4];
        for c in normalise_subject(subject)
            .chars()
            .chain(std::iter::once('\u{0}'))
            .chain(body.chars().flat_map(char::to_lowercase))
            .filter(|c| c.is_alphanumeric() || *c == '\u{0}')
        {
            h.update(c.encode_utf8(&mut buf).as_bytes());
        }
        let short: String = h.finalize().to_hex().as_str().chars().take(32).collect();
        match message_id.and_then(|m| msg_ids(m).into_iter().next()) {
            Some(id) => format!("mid:{id}#{short}"),
            None => format!("content:{short}"),
        }
    }

    proptest::proptest! {
        #[test]
        fn dedup_key_equals_the_per_character_hash(
            subject in "(Re: |FW: )?[A-Za-zİßÉé0-9 \u{0}]{0,20}",
            body in "[A-Za-zİßÉéΣ0-9 \r\n\t.,\u{0}]{0,80}",
        ) {
            proptest::prop_assert_eq!(
                dedup_key(Some("<a@b>"), &subject, &body),
                dedup_key_reference(Some("<a@b>"), &subject, &body)
            );
        }
    }

    #[test]
    fn dedup_key_survives_export_differences() {
        let a = dedup_key(
            Some("<M1@host>"),
            "Repairs",
            "Dear Jo,\r\n\r\nThe boiler is fixed.\r\n",
        );
        let b = dedup_key(
            Some("m1@host"),
            "Repairs",
            "Dear Jo,\n The boiler\n is fixed.",
        );
        assert_eq!(a, b);
        assert!(a.starts_with("mid:m1@host#"));
        // Same Message-ID, different message.
        let c = dedup_key(Some("<M1@host>"), "Repairs", "Dear Sam, the roof is fixed.");
        assert_ne!(a, c);
        // No Message-ID: content only.
        let d = dedup_key(None, "Repairs", "Dear Jo, the boiler is fixed.");
        assert!(d.starts_with("content:"));
        assert_ne!(
            d,
            dedup_key(None, "Repairs", "Dear Jo, the boiler is broken.")
        );
        // Subject and body do not run together.
        assert_ne!(dedup_key(None, "ab", "c"), dedup_key(None, "a", "bc"));
    }

    /// An e-mail record with the meta an extractor writes for these headers.
    fn mail(loc: &str, date: &str, subject: &str, mid: &str, irt: &str, refs: &str) -> Record {
        let mut r = Record::new("x.mbox", loc, Kind::Email);
        r.title = subject.to_owned();
        if !date.is_empty() {
            r.dates.sent = Some(date.to_owned());
        }
        fn opt(v: &str) -> Option<&str> {
            (!v.is_empty()).then_some(v)
        }
        let key = thread_key(opt(mid), opt(irt), opt(refs), None, Some(subject));
        for (k, v) in [
            ("message_id", mid),
            ("in_reply_to", irt),
            ("references", refs),
            ("thread", key.as_str()),
        ] {
            if !v.is_empty() {
                r.meta.insert(k.into(), v.into());
            }
        }
        r
    }

    fn keys_of(records: &[Record]) -> Vec<Option<String>> {
        conversations(&records.iter().collect::<Vec<_>>())
    }

    #[test]
    fn conversations_join_dropped_references_by_subject_only_for_replies() {
        let s = "Damp and mould in bedroom, Flat 7";
        let recs = vec![
            mail("m1", "2025-02-03T09:12:00Z", s, "<t1@x>", "", ""),
            mail(
                "m2",
                "2025-02-04T11:30:00Z",
                &format!("RE: {s}"),
                "<t2@x>",
                "<t1@x>",
                "<t1@x>",
            ),
            // Dropped References: linked by the normalised subject only.
            mail(
                "m3",
                "2025-02-06T16:40:00Z",
                &format!("RE: FW: {s}"),
                "<t3@x>",
                "",
                "",
            ),
            // A reply to the root that is not in the set.
            mail(
                "m4",
                "2025-02-10T08:45:00Z",
                &format!("Re: {s}"),
                "<t4@x>",
                "<t2@x>",
                "<t1@x> <t2@x>",
            ),
            // Similar subject: a different conversation.
            mail(
                "m5",
                "2025-02-05T10:20:00Z",
                "Damp and mould in bathroom, Flat 7",
                "<l1@x>",
                "",
                "",
            ),
            // Same subject, no reply prefix: a new conversation.
            mail("m6", "2025-05-01T10:00:00Z", s, "<n1@x>", "", ""),
            // A reply (no references) older than every message of the subject.
            mail("m7", "2025-01-01T10:00:00Z", "Re: Boiler", "<b1@x>", "", ""),
            // An unlinked reply joins the latest earlier conversation of its subject.
            mail(
                "m8",
                "2025-05-02T10:00:00Z",
                &format!("RE: {s}"),
                "<n2@x>",
                "",
                "",
            ),
            Record::new("x.mbox", "m1/attachment a.txt", Kind::Text),
        ];
        let k = keys_of(&recs);
        let thread = Some("id:t1@x".to_owned());
        for i in 0..4 {
            assert_eq!(k[i], thread, "{}", recs[i].locator);
        }
        assert_eq!(k[4], Some("id:l1@x".into()));
        assert_eq!(k[5], Some("id:n1@x".into()));
        assert_eq!(k[6], Some("id:b1@x".into()));
        assert_eq!(k[7], Some("id:n1@x".into()));
        assert_eq!(k[8], None);

        // Order of the input does not matter.
        let mut rev = recs.clone();
        rev.reverse();
        let mut k2 = keys_of(&rev);
        k2.reverse();
        assert_eq!(k, k2);
    }

    #[test]
    fn conversations_join_siblings_and_outlook_keys() {
        // Two replies to a root that is not in the set share it.
        let a = mail(
            "a",
            "2025-01-02T00:00:00Z",
            "Re: x",
            "<a@x>",
            "<r@x>",
            "<r@x>",
        );
        let b = mail("b", "2025-01-03T00:00:00Z", "Re: x", "<b@x>", "<r@x>", "");
        // Outlook items without ids, same conversation index.
        let mut c = Record::new("p.pst", "Inbox/message 1", Kind::Email);
        c.meta.insert(metakey::THREAD.into(), "conv:0102".into());
        c.title = "Rent".into();
        let mut d = Record::new("p.pst", "Sent Items/message 1", Kind::Email);
        d.meta.insert(metakey::THREAD.into(), "conv:0102".into());
        d.title = "RE: Rent".into();
        let k = keys_of(&[a, b, c, d]);
        assert_eq!(k[0], Some("id:r@x".into()));
        assert_eq!(k[0], k[1]);
        assert_eq!(k[2], Some("conv:0102".into()));
        assert_eq!(k[2], k[3]);
    }

    proptest! {
        #[test]
        fn normalise_is_idempotent(s in "\\PC{0,40}") {
            let once = normalise_subject(&s);
            prop_assert_eq!(normalise_subject(&once), once.clone());
        }

        #[test]
        fn conversations_never_panic(subjects in proptest::collection::vec("(Re: |FW: )?[ab]", 0..8)) {
            let recs: Vec<Record> = subjects
                .iter()
                .enumerate()
                .map(|(i, s)| mail(&i.to_string(), "", s, "", "", ""))
                .collect();
            let k = keys_of(&recs);
            prop_assert_eq!(k.len(), recs.len());
            prop_assert!(k.iter().all(Option::is_some));
        }

        /// The conversations of a set do not depend on its order, and two
        /// messages with a parent/child link always share one.
        #[test]
        fn conversations_ignore_input_order(
            msgs in proptest::collection::vec(
                (0u8..6, proptest::option::of(0u8..6), "(Re: |FW: )?(Boiler|Roof)", proptest::option::of(1u8..5)),
                1..10,
            ),
            rotate in 0usize..10,
        ) {
            let recs: Vec<Record> = msgs
                .iter()
                .enumerate()
                .map(|(i, (own, parent, subject, day))| {
                    let mid = format!("<m{own}@x>");
                    let irt = parent.map(|p| format!("<m{p}@x>")).unwrap_or_default();
                    let date = day.map(|d| format!("2025-01-0{d}T00:00:00Z")).unwrap_or_default();
                    mail(&format!("message {i}"), &date, subject, &mid, &irt, &irt)
                })
                .collect();
            let k = keys_of(&recs);
            let mut rotated = recs.clone();
            rotated.rotate_left(rotate % recs.len());
            let mut k2 = keys_of(&rotated);
            k2.rotate_right(rotate % recs.len());
            prop_assert_eq!(&k, &k2);
            for (i, (own, parent, _, _)) in msgs.iter().enumerate() {
                for (j, (own2, _, _, _)) in msgs.iter().enumerate() {
                    if *parent == Some(*own2) || own == own2 {
                        prop_assert_eq!(&k[i], &k[j]);
                    }
                }
            }
        }

        #[test]
        fn keys_never_panic(a in "\\PC{0,30}", b in "\\PC{0,30}", c in "\\PC{0,30}", ci in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = thread_key(Some(&a), Some(&b), Some(&c), Some(&ci), Some(&a));
            let _ = dedup_key(Some(&a), &b, &c);
        }
    }
}
