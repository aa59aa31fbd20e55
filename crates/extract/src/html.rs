//! HTML: visible text only, parsed with html5ever (through `scraper`).
//!
//! Scripts, styles, templates and comments are dropped; block elements
//! become line breaks, table cells are separated by TAB and rows by newline;
//! entities are decoded by the parser. The `<title>` becomes the record title.
//! Text hidden with CSS is kept: the file itself discloses it.

use ego_tree::iter::Edge;
use sarx_model::metakey;
use sarx_model::Kind;
use scraper::{Html, Node as HtmlNode};

use crate::{Ctx, Node, Result};

pub(crate) fn extract(ctx: &mut Ctx<'_>, node: &Node<'_>) -> Result<()> {
    let src = crate::text::decode(node.bytes);
    let (title, text) = render(&src);
    let mut record = ctx.record_for(node, Kind::Html);
    if !title.is_empty() {
        record.title = title;
    }
    record.text = text;
    record.meta.insert(metakey::FORMAT.into(), "HTML".into());
    ctx.emit(record);
    Ok(())
}

/// Visible text of an HTML document.
pub(crate) fn to_text(html: &str) -> String {
    render(html).1
}

const SKIP: &[&str] = &[
    "script", "style", "template", "noscript", "head", "iframe", "object", "embed",
];
const BLOCK: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "blockquote",
    "pre",
    "hr",
    "dd",
    "dt",
    "dl",
    "address",
    "form",
    "fieldset",
    "figure",
    "figcaption",
    "main",
    "details",
    "summary",
    "caption",
    "legend",
    "option",
    "center",
    "body",
];

/// (title, text).
fn render(src: &str) -> (String, String) {
    let doc = Html::parse_document(src);
    let mut out = String::with_capacity(src.len() / 2);
    let mut title = String::new();
    let mut skip = 0usize;
    let mut in_title = 0usize;
    let mut pre = 0usize;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(n) => match n.value() {
                HtmlNode::Element(e) => {
                    let name = e.name();
                    if name == "title" {
                        in_title += 1;
                    }
                    if skip > 0 || SKIP.contains(&name) {
                        skip += 1;
                        continue;
                    }
                    match name {
                        "br" => out.push('\n'),
                        "pre" | "textarea" => {
                            pre += 1;
                            newline(&mut out);
                        }
                        "td" | "th" => {}
                        "tr" => newline(&mut out),
                        "input" => {
                            if let Some(v) = e.attr("value").filter(|v| !v.trim().is_empty()) {
                                if !matches!(
                                    e.attr("type"),
                                    Some("hidden" | "submit" | "button" | "reset")
                                ) {
                                    out.push(' ');
                                    out.push_str(v.trim());
                                    out.push(' ');
                                }
                            }
                        }
                        n if BLOCK.contains(&n) => newline(&mut out),
                        _ => {}
                    }
                }
                HtmlNode::Text(t) => {
                    if in_title > 0 {
                        title.push_str(t);
                    }
                    if skip > 0 {
                        continue;
                    }
                    if pre > 0 {
                        out.push_str(t);
                    } else {
                        push_collapsed(&mut out, t);
                    }
                }
                _ => {}
            },
            Edge::Close(n) => {
                if let HtmlNode::Element(e) = n.value() {
                    let name = e.name();
                    if name == "title" {
                        in_title = in_title.saturating_sub(1);
                    }
                    if skip > 0 {
                        skip -= 1;
                        continue;
                    }
                    match name {
                        "pre" | "textarea" => {
                            pre = pre.saturating_sub(1);
                            newline(&mut out);
                        }
                        "td" | "th" => {
                            while out.ends_with(' ') {
                                out.pop();
                            }
                            out.push('\t');
                        }
                        "tr" => {
                            if out.ends_with('\t') {
                                out.pop();
                            }
                            out.push('\n');
                        }
                        n if BLOCK.contains(&n) => newline(&mut out),
                        _ => {}
                    }
                }
            }
        }
    }
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    (title, tidy(&out))
}

fn newline(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn push_collapsed(out: &mut String, t: &str) {
    for (i, word) in t
        .split(|c: char| c.is_whitespace() && c != '\u{a0}')
        .enumerate()
    {
        if i > 0 && !out.is_empty() && !out.ends_with([' ', '\n', '\t']) {
            out.push(' ');
        }
        out.push_str(word);
    }
}

fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_matches(' ');
        if line.trim().is_empty() {
            blank += 1;
            if blank == 1 && !out.is_empty() {
                out.push('\n');
            }
            continue;
        }
        blank = 0;
        out.push_str(line);
        out.push('\n');
    }
    out.trim().to_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn visible_text_only() {
        let html = r#"<!DOCTYPE html><html><head><title> Case &amp; notes </title><style>p{color:red}</style>
<script>var secret = "nope";</script></head><body><!-- hidden comment -->
<h1>Tenant</h1><p>Margaret&nbsp;Okafor lives at <b>Flat 3</b>,
   18 Roundhay Road.</p><div>Caf&eacute; &#8364;5</div>
<table><tr><th>Name</th><th>Phone</th></tr><tr><td>Jo</td><td>07700 900123</td></tr></table>
line<br>break<pre>  keep   spaces</pre></body></html>"#;
        let (title, text) = render(html);
        assert_eq!(title, "Case & notes");
        assert!(!text.contains("secret"));
        assert!(!text.contains("color"));
        assert!(!text.contains("hidden comment"));
        assert!(
            text.contains("Margaret\u{a0}Okafor lives at Flat 3, 18 Roundhay Road."),
            "{text:?}"
        );
        assert!(text.contains("Café €5"));
        assert!(text.contains("Name\tPhone\nJo\t07700 900123"), "{text:?}");
        assert!(text.contains("line\nbreak"));
        assert!(text.contains("keep   spaces"), "{text:?}");
        assert!(text.starts_with("Tenant\n"), "{text:?}");
    }

    #[test]
    fn fragments_work_for_mail_bodies() {
        assert_eq!(to_text("<p>Hello</p><p>World</p>"), "Hello\nWorld");
        assert_eq!(to_text("plain &lt;text&gt;"), "plain <text>");
    }
}
