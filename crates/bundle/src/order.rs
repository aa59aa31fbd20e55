//! Bundle order: the documents of one e-mail conversation together, by
//! date, and every attachment right after the message it came with.
//!
//! Conversations come from [`sarx_extract::conversations`] over the
//! disclosed records (so a reply whose client dropped its References still
//! joins its thread). A conversation takes the place of its earliest
//! message; records that are not e-mails, and e-mails alone in their
//! conversation, are ordered by date, then source and locator, as before.

use std::collections::HashMap;

use sarx_model::{Kind, Record};

/// The order of a set of records and their conversation numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Arranged {
    /// Indexes into the input, in bundle order.
    pub order: Vec<usize>,
    /// Per input record: the number (1, 2, … in bundle order) of its
    /// conversation when that conversation has two or more disclosed
    /// e-mails; `None` otherwise and for records that are not e-mails.
    pub conversation: Vec<Option<u32>>,
}

/// Sent date, else modified, else created (RFC 3339 UTC strings compare in time order).
fn date(r: &Record) -> Option<&str> {
    r.dates
        .sent
        .as_deref()
        .or(r.dates.modified.as_deref())
        .or(r.dates.created.as_deref())
}

/// Arranges `records` in bundle order.
pub(crate) fn arrange(records: &[&Record]) -> Arranged {
    let n = records.len();
    let key = |i: usize| {
        records
            .get(i)
            .map(|r| (date(r), r.source.as_str(), r.locator.as_str()))
    };
    let index: HashMap<_, usize> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (&r.id, i))
        .collect();

    // The top-most ancestor of each record that is itself in the set.
    let anchor: Vec<usize> = (0..n)
        .map(|i| {
            let mut a = i;
            for _ in 0..n {
                match records
                    .get(a)
                    .and_then(|r| r.parent.as_ref())
                    .and_then(|p| index.get(p))
                {
                    Some(&p) if p != a => a = p,
                    _ => break,
                }
            }
            a
        })
        .collect();

    // Units: a conversation (e-mail anchors sharing a key) or one anchor.
    let threads = sarx_extract::conversations(records);
    let mut unit_of: HashMap<String, Vec<usize>> = HashMap::new();
    let mut units: Vec<Vec<usize>> = Vec::new();
    for i in (0..n).filter(|&i| anchor.get(i) == Some(&i)) {
        let is_mail = records.get(i).is_some_and(|r| r.kind == Kind::Email);
        match threads.get(i).cloned().flatten().filter(|_| is_mail) {
            Some(t) => unit_of.entry(t).or_default().push(i),
            None => units.push(vec![i]),
        }
    }
    units.extend(unit_of.into_values());
    for u in &mut units {
        u.sort_by_key(|&i| key(i));
    }
    units.sort_by_key(|u| u.first().map(|&i| key(i)));

    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        if let Some(&a) = anchor.get(i).filter(|&&a| a != i) {
            children.entry(a).or_default().push(i);
        }
    }
    let mut order = Vec::with_capacity(n);
    let mut conversation = vec![None; n];
    let mut number = 0u32;
    for u in &units {
        let threaded = u.len() > 1;
        if threaded {
            number += 1;
        }
        for &a in u {
            if threaded {
                if let Some(c) = conversation.get_mut(a) {
                    *c = Some(number);
                }
            }
            order.push(a);
            if let Some(kids) = children.get_mut(&a) {
                kids.sort_by_key(|&i| key(i).map(|(_, s, l)| (s, l)));
                order.extend(kids.iter().copied());
            }
        }
    }
    Arranged {
        order,
        conversation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(loc: &str, date: &str, subject: &str, mid: &str, refs: &str) -> Record {
        let mut r = Record::new("a.mbox", loc, Kind::Email);
        r.title = subject.into();
        r.dates.sent = Some(date.into());
        r.meta.insert("message_id".into(), mid.into());
        let root = refs.split_whitespace().next().unwrap_or(mid);
        r.meta.insert(
            "thread".into(),
            format!("id:{}", root.trim_matches(['<', '>'])),
        );
        if !refs.is_empty() {
            r.meta.insert("references".into(), refs.into());
        }
        r
    }

    #[test]
    fn threads_stay_together_and_attachments_follow_their_message() {
        let s = "Damp in bedroom";
        let t1 = mail("message 1", "2025-02-03T09:00:00Z", s, "<t1@x>", "");
        let t2 = mail(
            "message 2",
            "2025-02-04T11:00:00Z",
            &format!("RE: {s}"),
            "<t2@x>",
            "<t1@x>",
        );
        let mut att = Record::new("a.mbox", "message 2/attachment pack.zip", Kind::Archive);
        att.parent = Some(t2.id.clone());
        let mut nested = Record::new("a.mbox", "message 2/attachment pack.zip/a.txt", Kind::Text);
        nested.parent = Some(att.id.clone());
        // A reply whose client dropped References: joins by subject.
        let t3 = mail(
            "message 5",
            "2025-02-06T16:00:00Z",
            &format!("RE: FW: {s}"),
            "<t3@x>",
            "",
        );
        // Dated between the thread's messages, but not part of it.
        let other = mail(
            "message 4",
            "2025-02-05T10:00:00Z",
            "Damp in bathroom",
            "<l1@x>",
            "",
        );
        let mut letter = Record::new("letters/l.pdf", "", Kind::Pdf);
        letter.dates.modified = Some("2025-01-01T00:00:00Z".into());
        let lone = mail("message 6", "2025-03-01T00:00:00Z", "Rent", "<r@x>", "");
        let recs = [&nested, &other, &t3, &att, &lone, &t2, &letter, &t1];
        let a = arrange(&recs);
        let got: Vec<&str> = a.order.iter().map(|&i| recs[i].locator.as_str()).collect();
        assert_eq!(
            got,
            [
                "",
                "message 1",
                "message 2",
                "message 2/attachment pack.zip",
                "message 2/attachment pack.zip/a.txt",
                "message 5",
                "message 4",
                "message 6"
            ]
        );
        let conv = |r: &Record| a.conversation[recs.iter().position(|x| x.id == r.id).unwrap()];
        assert_eq!(conv(&t1), Some(1));
        assert_eq!(conv(&t2), Some(1));
        assert_eq!(conv(&t3), Some(1));
        assert_eq!(conv(&other), None);
        assert_eq!(conv(&lone), None);
        assert_eq!(conv(&att), None);
        assert_eq!(conv(&letter), None);
        assert_eq!(a.order.len(), recs.len());
    }

    #[test]
    fn without_e_mails_the_order_is_date_source_locator() {
        let mut a = Record::new("b.txt", "", Kind::Text);
        a.dates.modified = Some("2025-01-02T00:00:00Z".into());
        let mut b = Record::new("a.txt", "", Kind::Text);
        b.dates.modified = Some("2025-01-02T00:00:00Z".into());
        let c = Record::new("z.txt", "", Kind::Text);
        let recs = [&a, &b, &c];
        assert_eq!(arrange(&recs).order, vec![2, 1, 0]);
    }
}
