//! The page-image view of a PDF or scanned record: each page as the bundle
//! renders it (nothing painted), with the boxes the bundle will paint drawn
//! over it, and the words' boxes for drag-to-redact and search.
//!
//! Pages are rendered once per record (poppler's `pdftoppm` for PDFs, the
//! image's own pixels for scans) through [`sarx_bundle::page::page_view`],
//! PNG-encoded and kept in a small cache, so the page and its images are
//! served from the same rendering.

use std::sync::{Arc, Mutex};

use maud::{html, Markup};
use sarx_bundle::page::{Fallback, PageLayout};
use sarx_case::{CaseState, Hit, RecordPlan, Redaction};
use sarx_model::{Kind, Record, RecordId};

use crate::pages::redaction_state;

/// Records whose rendered pages are kept.
const CACHED: usize = 8;
/// Pages wider than this many pixels are scaled down for the browser (the
/// boxes stay in the page's own pixels: the SVG scales the image).
const MAX_SHOWN_WIDTH: u32 = 1700;

/// A record's pages, PNG-encoded, and where its words are.
pub(crate) struct Rendered {
    pub(crate) png: Vec<Vec<u8>>,
    pub(crate) layout: PageLayout,
}

/// What the page view of a record is: its rendering, or why there is none.
pub(crate) type View = Arc<Result<Rendered, Fallback>>;

/// The most recently viewed records' renderings.
#[derive(Default)]
pub(crate) struct Cache(Mutex<Vec<(RecordId, View)>>);

impl Cache {
    /// The record's rendering, made (on a blocking thread) if not cached.
    pub(crate) async fn get(&self, record: &Record) -> View {
        if let Some(v) = self.lookup(&record.id) {
            return v;
        }
        let rec = record.clone();
        let view: View = Arc::new(
            tokio::task::spawn_blocking(move || render(&rec))
                .await
                .unwrap_or(Err(Fallback::Unrenderable)),
        );
        if let Ok(mut c) = self.0.lock() {
            c.retain(|(id, _)| id != &record.id);
            c.insert(0, (record.id.clone(), view.clone()));
            c.truncate(CACHED);
        }
        view
    }

    fn lookup(&self, id: &RecordId) -> Option<View> {
        let mut c = self.0.lock().ok()?;
        let at = c.iter().position(|(i, _)| i == id)?;
        let hit = c.remove(at);
        let v = hit.1.clone();
        c.insert(0, hit);
        Some(v)
    }
}

/// Whether the record can have a page view (a PDF or an image, on its
/// own or inside another file).
pub(crate) fn has_pages(record: &Record) -> bool {
    matches!(record.kind, Kind::Pdf | Kind::Image)
}

fn render(record: &Record) -> Result<Rendered, Fallback> {
    let view = sarx_bundle::page::page_view(record)?;
    let mut png = Vec::with_capacity(view.pages.len());
    for (img, _dpi) in &view.pages {
        let shown = if img.width() > MAX_SHOWN_WIDTH {
            let h = (u64::from(img.height()) * u64::from(MAX_SHOWN_WIDTH)
                / u64::from(img.width().max(1))) as u32;
            image::imageops::resize(
                img,
                MAX_SHOWN_WIDTH,
                h.max(1),
                image::imageops::FilterType::Triangle,
            )
        } else {
            img.clone()
        };
        let mut bytes = Vec::new();
        image::DynamicImage::ImageLuma8(shown)
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .map_err(|_| Fallback::Unrenderable)?;
        png.push(bytes);
    }
    Ok(Rendered {
        png,
        layout: view.layout,
    })
}

/// One box group drawn over the pages: a redaction's boxes.
struct Drawn<'a> {
    id: &'a str,
    class: String,
    title: String,
    planned: bool,
}

/// The page view's markup: one SVG per page with its image, its words
/// (transparent, for dragging and search) and the redactions' boxes.
pub(crate) fn markup(
    n: usize,
    state: &CaseState,
    hit: &Hit,
    record: &Record,
    plan: Option<&RecordPlan>,
    effective: &[Redaction],
    r: &Rendered,
) -> Markup {
    let mut drawn: Vec<(Drawn<'_>, &Redaction)> = Vec::new();
    if let Some(p) = plan {
        for red in &p.redactions {
            let st = redaction_state(state, hit, &red.id);
            let kind = if red.is_exemption() { "exempt" } else { "red" };
            let verb = if st == "rejected" {
                "click to restore"
            } else {
                "click to reject"
            };
            drawn.push((
                Drawn {
                    id: &red.id,
                    class: format!("box {kind} {st}"),
                    title: format!(
                        "{} {} ({}): {verb}; shift-click for every occurrence in the case",
                        red.id, red.category, red.reason_code
                    ),
                    planned: true,
                },
                red,
            ));
        }
    }
    for red in effective.iter().filter(|x| x.id.starts_with('d')) {
        let kind = if red.is_exemption() { "exempt" } else { "red" };
        drawn.push((
            Drawn {
                id: &red.id,
                class: format!("box {kind} added"),
                title: format!(
                    "{} {} ({}), added by {}: click to remove",
                    red.id, red.category, red.reason_code, red.recogniser
                ),
                planned: false,
            },
            red,
        ));
    }
    let unplaced = r.layout.check(record, effective).is_err();
    html! {
        div.viewbar {
            span { "View: " strong { "page images" } " · " a id="text-view" href=(format!("/documents/{n}?view=text")) { "text (v)" } }
            label { "Find in document " input type="search" id="doc-search" placeholder="name, phone… (/)" autocomplete="off"; }
            span.muted id="search-info" {}
        }
        p.legend {
            span.box-red { "redaction" } " " span.box-exempt { "exemption" } " " span.box-rejected { "rejected" } " " span.box-added { "added by you" }
            " · Click a box to reject or restore it; drag over words to redact them; j/k move between boxes."
        }
        @if unplaced {
            p.flag id="unplaced" { "⚑ A redaction here has no box on the page: the bundle will typeset this record fresh instead of copying its pages." }
        }
        div id="pages" data-n=(n) {
            @for (i, &(w, h)) in r.layout.sizes.iter().enumerate() {
                figure.page {
                    svg class="page" data-page=(i) viewBox=(format!("0 0 {w} {h}")) role="img" aria-label=(format!("Page {} of {}", i + 1, r.layout.sizes.len())) {
                        image href=(format!("/documents/{n}/pages/{i}")) x="0" y="0" width=(w) height=(h) preserveAspectRatio="none" {}
                        g.words {
                            @for wb in r.layout.words.iter().filter(|wb| wb.page == i) {
                                rect.w x=(wb.rect.x) y=(wb.rect.y) width=(wb.rect.w) height=(wb.rect.h)
                                    data-s=(wb.span.start) data-e=(wb.span.end)
                                    data-t=(record.text.get(wb.span.start..wb.span.end).unwrap_or("")) {}
                            }
                        }
                        @for (d, red) in &drawn {
                            @let boxes: Vec<_> = r.layout.boxes(red.span).into_iter().filter(|b| b.page == i).collect();
                            @if !boxes.is_empty() {
                                g class=(d.class) data-rid=(d.id) data-planned=(if d.planned { "1" } else { "0" }) {
                                    title { (d.title) }
                                    @for b in &boxes {
                                        rect x=(b.rect.x) y=(b.rect.y) width=(b.rect.w) height=(b.rect.h) {}
                                    }
                                }
                            }
                        }
                    }
                    figcaption.muted { "Page " (i + 1) " of " (r.layout.sizes.len()) }
                }
            }
        }
    }
}
