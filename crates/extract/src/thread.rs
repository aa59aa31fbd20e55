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
//! are stable across re-indexing. The mail module (EML/mbox) calls the same
//! functions as the Outlook modules:
//!
//! ```ignore
//! let thread = crate::thread::thread_key(mid, irt, refs, None, subject);
//! let dedup = crate::thread::dedup_key(mid, subject, body);
//! ```
//!
//! Attachments never get a dedup key of their own: an identical attachment
//! in two different messages stays a child of each (the SAR bundle must show
//! both), so only the message-level key is used to merge locations.

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
    let hash = h.finalize().to_hex();
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
            Some(rest) => s = rest,
            None => {
                s = t.trim().to_owned();
                break;
            }
        }
    }
    s
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

    proptest! {
        #[test]
        fn normalise_is_idempotent(s in "\\PC{0,40}") {
            let once = normalise_subject(&s);
            prop_assert_eq!(normalise_subject(&once), once.clone());
        }

        #[test]
        fn keys_never_panic(a in "\\PC{0,30}", b in "\\PC{0,30}", c in "\\PC{0,30}", ci in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = thread_key(Some(&a), Some(&b), Some(&c), Some(&ci), Some(&a));
            let _ = dedup_key(Some(&a), &b, &c);
        }
    }
}
