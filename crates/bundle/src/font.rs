//! The embedded Unicode font (DejaVu Sans, free licence: see
//! `assets/fonts/DejaVuSans-LICENSE.txt`) and its metrics.

use std::sync::OnceLock;

use ttf_parser::{Face, GlyphId};

/// The raw TrueType font, compiled in.
pub static FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// The PostScript name used in PDFs.
pub const FONT_NAME: &str = "DejaVuSans";

/// Parsed font metrics shared by all threads.
pub struct Metrics {
    face: Face<'static>,
    upem: f32,
}

/// The shared metrics, or `None` if the compiled-in font is unreadable (a build defect).
pub fn metrics() -> Option<&'static Metrics> {
    static M: OnceLock<Option<Metrics>> = OnceLock::new();
    M.get_or_init(|| {
        let face = Face::parse(FONT, 0).ok()?;
        let upem = f32::from(face.units_per_em());
        Some(Metrics { face, upem })
    })
    .as_ref()
}

impl Metrics {
    /// The glyph for `c` (0, `.notdef`, when the font lacks it).
    pub fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map(|g| g.0).unwrap_or(0)
    }

    /// Advance of glyph `gid` in 1/1000 em (PDF glyph space).
    pub fn advance_1000(&self, gid: u16) -> f32 {
        let a = self.face.glyph_hor_advance(GlyphId(gid)).unwrap_or(0);
        f32::from(a) * 1000.0 / self.upem
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance_1000(self.glyph(c)))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// Ascender in 1/1000 em.
    pub fn ascent(&self) -> f32 {
        f32::from(self.face.ascender()) * 1000.0 / self.upem
    }

    /// Descender in 1/1000 em (negative).
    pub fn descent(&self) -> f32 {
        f32::from(self.face.descender()) * 1000.0 / self.upem
    }

    /// Font bounding box in 1/1000 em.
    pub fn bbox(&self) -> [f32; 4] {
        let b = self.face.global_bounding_box();
        let s = 1000.0 / self.upem;
        [
            f32::from(b.x_min) * s,
            f32::from(b.y_min) * s,
            f32::from(b.x_max) * s,
            f32::from(b.y_max) * s,
        ]
    }

    /// Cap height in 1/1000 em.
    pub fn cap_height(&self) -> f32 {
        self.face
            .capital_height()
            .map(|h| f32::from(h) * 1000.0 / self.upem)
            .unwrap_or(700.0)
    }
}
