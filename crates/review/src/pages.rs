//! Server-side HTML (maud escapes every interpolation).

use maud::{html, Markup, PreEscaped, DOCTYPE};
use sarx_case::{Band, CaseState, ClockStatus, Decision, Disposition, Hit};
use sarx_model::metakey;
use sarx_model::plan::Category;
use sarx_model::Record;

use sarx_model::vocab::EXEMPTIONS;

use crate::pageview::Rendered;
use crate::{progress, AppState, ListQuery, Session};
use sarx_bundle::page::Fallback;

/// What every page needs: the app and the user.
pub(crate) struct Ctx<'a> {
    app: &'a AppState,
    s: &'a Session,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(app: &'a AppState, s: &'a Session) -> Self {
        Ctx { app, s }
    }
}

fn layout(title: &str, ctx: Option<&Ctx<'_>>, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · sarx review" }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/app.js" defer {}
            }
            body {
                header.top {
                    a.brand href="/" { "sarx review" }
                    @if let Some(c) = ctx {
                        nav {
                            a href="/" { "Overview" }
                            a href="/documents" { "Documents" }
                        }
                        span.who { (c.s.user) " (" (c.s.role.as_str()) ")" }
                        form.inline method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(c.s.csrf);
                            button type="submit" { "Log out" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
    .into_string()
}

pub(crate) fn message_page(status: u16, msg: &str) -> String {
    layout(
        "Message",
        None,
        html! {
            h1 { "Error " (status) }
            p.message { (msg) }
            p { a href="/" { "Back to the case" } }
        },
    )
}

pub(crate) fn login(token: &str, error: Option<&str>) -> String {
    layout(
        "Log in",
        None,
        html! {
            h1 { "Log in" }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form.login method="post" action="/login" {
                input type="hidden" name="csrf" value=(token);
                label { "User name " input name="user" autocomplete="username" required autofocus; }
                label { "Password " input name="password" type="password" autocomplete="current-password" required; }
                button type="submit" { "Log in" }
            }
        },
    )
}

fn band_counts(hits: &[Hit]) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for h in hits {
        match h.band() {
            Band::High => c.0 += 1,
            Band::Medium => c.1 += 1,
            Band::Low => c.2 += 1,
        }
    }
    c
}

pub(crate) fn overview(ctx: &Ctx<'_>, state: &CaseState, clock: &ClockStatus) -> String {
    let data = &ctx.app.0.data;
    let (high, medium, low) = band_counts(&data.hits);
    let (done, total, pending) = progress(ctx.app, state);
    layout(
        "Overview",
        Some(ctx),
        html! {
            h1 { "Case " (state.reference) }
            section.cards {
                div.card {
                    h2 { "Subject" }
                    p.big { (data.subject_name) }
                    p { "Received " (state.received) }
                }
                div.card.deadline {
                    h2 { "Deadline" }
                    p.big id="deadline" { (clock.deadline) }
                    p id="days-left" class=(if clock.days_left < 0 { "overdue" } else if clock.days_left <= 7 { "soon" } else { "" }) {
                        @if clock.days_left >= 0 { (clock.days_left) " days left" } @else { (-clock.days_left) " days overdue" }
                    }
                    @if let Some(ext) = clock.extended_deadline {
                        p { "Extended to " (ext) @if let Some(r) = &clock.extension_reason { ": " (r) } }
                    } @else {
                        p.muted { "Tell the requester of any extension by " (clock.tell_extension_by) }
                    }
                    @if let Some((since, why)) = &clock.paused_since {
                        p.paused { "Clock stopped since " (since) " (" (why.as_str()) ")" }
                    }
                    @if clock.paused_days > 0 { p.muted { "Clock stopped " (clock.paused_days) " days in total" } }
                }
                div.card {
                    h2 { "Hits" }
                    p { a href="/documents?band=high" { (high) " high" } " · "
                        a href="/documents?band=medium" { (medium) " medium" } " · "
                        a href="/documents?band=low" { (low) " low" } }
                    p id="progress" { "Reviewed " (done) " of " (total) }
                    @if pending > 0 { p.soon { (pending) " medium-confidence hits need confirmation" } }
                }
                div.card {
                    h2 { "Sign-off" }
                    @if let Some(so) = &state.sign_off {
                        p id="signed-off" { "Signed off by " (so.by) " at " (so.at) }
                    } @else {
                        p.muted id="signed-off" { "Not signed off" }
                    }
                    @if ctx.s.role == crate::users::Role::Approver {
                        form method="post" action="/signoff" {
                            input type="hidden" name="csrf" value=(ctx.s.csrf);
                            button type="submit" id="sign-off" { "Sign off for bundling" }
                        }
                    }
                }
            }
            section {
                h2 { "Could not be searched (" (data.unsearchable.len()) ")" }
                @if data.unsearchable.is_empty() {
                    p.muted { "Every file was searched." }
                } @else {
                    table.list {
                        thead { tr { th { "Source" } th { "Where" } th { "Reason" } th { "Detail" } } }
                        tbody {
                            @for u in &data.unsearchable {
                                tr { td { (u.source) } td { (u.locator) } td { (u.reason.code()) } td { (u.detail) } }
                            }
                        }
                    }
                }
            }
        },
    )
}

fn disposition_label(d: &Disposition) -> &'static str {
    match d {
        Disposition::Disclose => "disclose",
        Disposition::NeedsReview => "needs review",
        Disposition::NotAboutSubject => "not about subject",
        Disposition::Exempt { .. } => "exempt",
    }
}

pub(crate) fn documents(ctx: &Ctx<'_>, state: &CaseState, q: &ListQuery) -> String {
    let data = &ctx.app.0.data;
    let needle = q.q.to_lowercase();
    let rows: Vec<(usize, &Hit, &Record, Disposition)> = data
        .hits
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            data.records
                .get(&h.record)
                .map(|r| (i, h, r, state.disposition(h)))
        })
        .filter(|(_, h, _, _)| q.band.is_empty() || h.band().as_str() == q.band)
        .filter(|(_, h, _, _)| q.kind.is_empty() || h.kind.as_str() == q.kind)
        .filter(|(_, _, _, d)| {
            q.state.is_empty() || disposition_label(d).replace(' ', "_") == q.state
        })
        .filter(|(_, _, r, _)| {
            needle.is_empty()
                || r.text.to_lowercase().contains(&needle)
                || r.title.to_lowercase().contains(&needle)
                || r.source.to_lowercase().contains(&needle)
        })
        .collect();
    let mut kinds: Vec<&str> = data.hits.iter().map(|h| h.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    layout(
        "Documents",
        Some(ctx),
        html! {
            h1 { "Documents" }
            form.filters method="get" action="/documents" {
                label { "Confidence " select name="band" {
                    option value="" selected[q.band.is_empty()] { "any" }
                    @for b in ["high", "medium", "low"] { option value=(b) selected[q.band == b] { (b) } }
                } }
                label { "Type " select name="kind" {
                    option value="" selected[q.kind.is_empty()] { "any" }
                    @for k in &kinds { option value=(k) selected[q.kind == *k] { (k) } }
                } }
                label { "State " select name="state" {
                    option value="" selected[q.state.is_empty()] { "any" }
                    @for s in ["disclose", "needs_review", "not_about_subject", "exempt"] { option value=(s) selected[q.state == s] { (s.replace('_', " ")) } }
                } }
                label { "Search " input type="search" name="q" value=(q.q); }
                button type="submit" { "Filter" }
            }
            p.muted { (rows.len()) " of " (data.hits.len()) " documents" }
            table.list id="documents" {
                thead { tr { th { "#" } th { "Title" } th { "Source" } th { "Where" } th { "Type" } th { "Confidence" } th { "State" } th { "Redactions" } } }
                tbody {
                    @for (i, h, r, d) in &rows {
                        tr class=(format!("band-{}", h.band().as_str())) {
                            td { (i + 1) }
                            td { a.doc href=(format!("/documents/{i}")) { @if r.title.is_empty() { "(untitled)" } @else { (r.title) } } }
                            td { (h.source) }
                            td { (h.locator) }
                            td { (h.kind.as_str()) }
                            td { (h.band().as_str()) " (" (format!("{:.2}", h.confidence)) ")" }
                            td { (disposition_label(d)) }
                            td { (state.effective_redactions(&h.record, data.plans.get(&h.record)).len()) }
                        }
                    }
                }
            }
        },
    )
}

/// One stretch of text with the classes of everything that covers it.
fn segments(text: &str, marks: &[(usize, usize, String)]) -> Vec<(usize, usize, Vec<String>)> {
    let mut points: Vec<usize> = vec![0, text.len()];
    for (s, e, _) in marks {
        if *s < *e && *e <= text.len() && text.is_char_boundary(*s) && text.is_char_boundary(*e) {
            points.push(*s);
            points.push(*e);
        }
    }
    points.sort_unstable();
    points.dedup();
    points
        .windows(2)
        .filter_map(|w| match w {
            [a, b] if a < b => Some((*a, *b)),
            _ => None,
        })
        .map(|(a, b)| {
            let classes = marks
                .iter()
                .filter(|(s, e, _)| *s <= a && b <= *e)
                .map(|(_, _, c)| c.clone())
                .collect();
            (a, b, classes)
        })
        .collect()
}

pub(crate) fn redaction_state(state: &CaseState, hit: &Hit, rid: &str) -> &'static str {
    let mut st = "proposed";
    for d in state
        .decisions
        .iter()
        .filter(|d| d.decision.record() == &hit.record)
    {
        match &d.decision {
            Decision::AcceptRedaction { redaction, .. } if redaction == rid => st = "accepted",
            Decision::RejectRedaction { redaction, .. } if redaction == rid => st = "rejected",
            _ => {}
        }
    }
    st
}

pub(crate) fn document(
    ctx: &Ctx<'_>,
    state: &CaseState,
    n: usize,
    hit: &Hit,
    record: &Record,
    view: Option<&Result<Rendered, Fallback>>,
) -> String {
    let data = &ctx.app.0.data;
    let plan = data.plans.get(&hit.record);
    let effective = state.effective_redactions(&hit.record, plan);
    let mut marks: Vec<(usize, usize, String)> = Vec::new();
    for r in &effective {
        let cls = if r.is_exemption() {
            "exempt".to_owned()
        } else {
            format!("red cat-{}", css_ident(r.category.as_str()))
        };
        marks.push((r.span.start, r.span.end, cls));
    }
    if let Some(p) = plan {
        for r in &p.redactions {
            if redaction_state(state, hit, &r.id) == "rejected" {
                marks.push((r.span.start, r.span.end, "rejected".into()));
            }
        }
    }
    for e in &hit.evidence {
        marks.push((e.span.start, e.span.end, "ev".into()));
    }
    let segs = segments(&record.text, &marks);
    let redacted: String = sarx_bundle::layout::apply(&record.text, &effective)
        .into_iter()
        .map(|p| match p {
            sarx_bundle::layout::Piece::Text(t) => t,
            sarx_bundle::layout::Piece::Marker(code) => sarx_bundle::layout::marker_text(&code),
        })
        .collect();
    let disp = state.disposition(hit);
    let prev = n.checked_sub(1);
    let next = (n + 1 < data.hits.len()).then_some(n + 1);
    let csrf = ctx.s.csrf.as_str();
    let action = format!("/documents/{n}/decide");
    layout(
        &format!("Document {}", n + 1),
        Some(ctx),
        html! {
            div.docnav {
                @if let Some(p) = prev { a id="prev-doc" href=(format!("/documents/{p}")) { "← previous (p)" } }
                span { "Document " (n + 1) " of " (data.hits.len()) }
                @if let Some(x) = next { a id="next-doc" href=(format!("/documents/{x}")) { "next (n) →" } }
            }
            h1 { @if record.title.is_empty() { "(untitled)" } @else { (record.title) } }
            p.meta {
                span { "Source: " code { (hit.source) } }
                @if !hit.locator.is_empty() { " · " span { "Where: " code { (hit.locator) } } }
                " · " span { "Type: " (hit.kind.as_str()) }
                " · " span.band { "Confidence: " (hit.band().as_str()) " (" (format!("{:.2}", hit.confidence)) ")" }
                " · " span id="disposition" { "State: " (disposition_label(&disp)) }
                " · " a href=(format!("/documents/{n}/preview.pdf")) id="pdf-preview" target="_blank" { "Preview final PDF" }
            }
            @if let Some(h) = record.meta.get(metakey::HEADER) { p.meta { "Header row: " code { (h.replace('\t', " | ")) } } }
            @if let Some(p) = plan {
                @for e in &p.exemptions {
                    p.flag { "⚑ Possible exemption: " (e.exemption.replace('_', " ")) " (" (e.provision) "), cue “" (e.cue) "”: decide before disclosure" }
                }
                @for w in &p.warnings { p.flag { "⚑ " (w.message) } }
            }
            div.actions {
                @if matches!(disp, Disposition::NeedsReview) {
                    form.inline method="post" action=(action) {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="action" value="confirm";
                        button type="submit" id="confirm-hit" accesskey="c" { "Confirm it is about the subject (c)" }
                    }
                }
                form.inline method="post" action=(action) {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="action" value="not_about";
                    button type="submit" id="not-about" { "Not about the subject" }
                }
                form.inline method="post" action=(action) {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="action" value="exempt_record";
                    select name="code" { @for e in EXEMPTIONS { option value=(e.reason_code) { (e.reason_code) " — " (e.provision) } } }
                    button type="submit" { "Withhold record (exempt)" }
                }
                @if matches!(disp, Disposition::NotAboutSubject | Disposition::Exempt { .. }) {
                    form.inline method="post" action=(action) {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="action" value="clear_mark";
                        button type="submit" { "Clear mark" }
                    }
                }
            }
            @match view {
                Some(Ok(r)) => {
                    section id="page-view" {
                        h2 { "Pages, with proposed redactions" }
                        (crate::pageview::markup(n, state, hit, record, plan, &effective, r))
                        (selection_form(csrf, &action, true))
                    }
                    details {
                        summary { "Redacted text" }
                        pre id="preview" { (redacted) }
                    }
                }
                _ => {
                    @if let Some(Err(why)) = view {
                        p.muted id="no-pages" { "No page view: " (why.describe()) "; the bundle typesets this record fresh." }
                    }
                    div.viewbar {
                        @if crate::pageview::has_pages(record) && view.is_none() {
                            span { "View: " a id="page-view-link" href=(format!("/documents/{n}")) { "page images (v)" } " · " strong { "text" } }
                        }
                        label { "Find in document " input type="search" id="doc-search" placeholder="name, phone… (/)" autocomplete="off"; }
                        span.muted id="search-info" {}
                    }
                    div.split {
                        section {
                            h2 { "Original, with proposed redactions" }
                            p.legend { span.red { "redaction" } " " span.exempt { "exemption" } " " span.rejected { "rejected" } " " span.ev { "evidence (subject)" } }
                            pre id="text" data-len=(record.text.len()) {
                                @for (a, b, classes) in &segs {
                                    @let t = record.text.get(*a..*b).unwrap_or("");
                                    @if classes.is_empty() { (t) } @else { span class=(classes.join(" ")) { (t) } }
                                }
                            }
                            (selection_form(csrf, &action, false))
                        }
                        section {
                            h2 { "Redacted preview" }
                            pre id="preview" { (redacted) }
                        }
                    }
                }
            }
            section {
                h2 { "Redactions" }
                table.list id="redactions" {
                    thead { tr { th { "Id" } th { "Text" } th { "Category" } th { "Reason" } th { "Legal basis" } th { "By" } th { "State" } th { "" } } }
                    tbody {
                        @if let Some(p) = plan {
                            @for r in &p.redactions {
                                @let st = redaction_state(state, hit, &r.id);
                                tr data-rid=(r.id) class=(format!("redaction {st}")) {
                                    td { (r.id) }
                                    td { (r.span.slice(&record.text).unwrap_or("")) }
                                    td { (r.category) }
                                    td { (r.reason_code) }
                                    td { (r.legal_basis) }
                                    td { (r.recogniser) " " (format!("{:.2}", r.confidence)) }
                                    td.state { (st) }
                                    td {
                                        form.inline method="post" action=(action) {
                                            input type="hidden" name="csrf" value=(csrf);
                                            input type="hidden" name="redaction" value=(r.id);
                                            button type="submit" name="action" value="accept" class="accept" { "Accept (a)" }
                                            button type="submit" name="action" value="reject" class="reject" { "Reject (r)" }
                                        }
                                        form.inline method="post" action="/bulk" {
                                            input type="hidden" name="csrf" value=(csrf);
                                            input type="hidden" name="n" value=(n);
                                            input type="hidden" name="redaction" value=(r.id);
                                            button type="submit" name="action" value="accept_party" { "Accept all like this" }
                                            button type="submit" name="action" value="reject_party" { "Reject all like this" }
                                        }
                                    }
                                }
                            }
                        }
                        @for r in effective.iter().filter(|r| r.id.starts_with('d')) {
                            tr.added {
                                td { (r.id) }
                                td { (r.span.slice(&record.text).unwrap_or("")) }
                                td { (r.category) }
                                td { (r.reason_code) }
                                td { (r.legal_basis) }
                                td { (r.recogniser) }
                                td.state { "added" }
                                td {}
                            }
                        }
                    }
                }
            }
            section {
                h2 { "Evidence this is about the subject" }
                ul.evidence {
                    @for e in &hit.evidence {
                        li { (e.kind) ": " code { (e.span.slice(&record.text).unwrap_or("")) } " (bytes " (e.span.start) "–" (e.span.end) ")" }
                    }
                }
            }
            (PreEscaped("<!-- shortcuts: a accept, r reject, j/k move, x redact selection, c confirm, n/p documents, / find, v page or text view -->"))
        },
    )
}

fn selection_form(csrf: &str, action: &str, pages: bool) -> Markup {
    html! {
        form id="selection-form" method="post" action=(action) {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="start" id="sel-start";
            input type="hidden" name="end" id="sel-end";
            input type="hidden" name="spans" id="sel-spans";
            p.muted id="sel-info" {
                @if pages { "Drag over words on a page to redact them or apply an exemption (x)." }
                @else { "Select text above to redact it or apply an exemption (x)." }
            }
            select name="category" {
                @for c in Category::ALL.iter().filter(|c| **c != Category::Exemption) { option value=(c.as_str()) { (c.label()) } }
            }
            label.every { input type="checkbox" name="every" value="1" id="sel-every"; " every occurrence in the case" }
            button type="submit" name="action" value="add" id="add-redaction" disabled { "Redact selection (x)" }
            select name="code" { @for e in EXEMPTIONS { option value=(e.reason_code) { (e.reason_code) } } }
            button type="submit" name="action" value="exempt_span" id="exempt-selection" disabled { "Exempt selection" }
        }
    }
}

fn css_ident(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_split_at_every_boundary() {
        let t = "Dear Jo Bloggs, call 07700 900123";
        let marks = vec![(5, 14, "red".to_string()), (8, 14, "ev".to_string())];
        let s = segments(t, &marks);
        let joined: String = s.iter().map(|(a, b, _)| &t[*a..*b]).collect();
        assert_eq!(joined, t);
        assert!(s
            .iter()
            .any(|(a, b, c)| &t[*a..*b] == "Bloggs" && c.len() == 2));
        // Spans off a char boundary are ignored, not panicked on.
        let s = segments("é", &[(1, 2, "x".into())]);
        assert_eq!(s.len(), 1);
    }
}
