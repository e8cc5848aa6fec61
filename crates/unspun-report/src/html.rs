//! A small HTML builder that escapes everything it is given.
//!
//! Article text is untrusted: it may hold `<script>`, quotes that end an
//! attribute, or `</template>`. Tag and attribute *names* can only be
//! `&'static str` (written in this crate); every text and attribute *value*
//! goes through [`escape`], so nothing read from input can become markup.

use std::fmt::Write as _;

/// `s` with `&`, `<`, `>`, `"` and `'` replaced by entities: safe as element
/// text and as a quoted attribute value.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    escape_into(&mut out, s);
    out
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than line breaks and tabs are not text.
            c if c.is_control() && !matches!(c, '\n' | '\r' | '\t') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

/// HTML (or SVG) under construction.
#[derive(Debug, Default)]
pub struct Html {
    buf: String,
}

impl Html {
    pub fn new() -> Html {
        Html::default()
    }

    fn attrs(&mut self, attrs: &[(&'static str, &str)]) {
        for (name, value) in attrs {
            self.buf.push(' ');
            self.buf.push_str(name);
            self.buf.push_str("=\"");
            escape_into(&mut self.buf, value);
            self.buf.push('"');
        }
    }

    /// `<tag attrs…>`
    pub fn open(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(tag);
        self.attrs(attrs);
        self.buf.push('>');
        self
    }

    /// `</tag>`
    pub fn close(&mut self, tag: &'static str) -> &mut Self {
        self.buf.push_str("</");
        self.buf.push_str(tag);
        self.buf.push('>');
        self
    }

    /// A self-closing element (`<br>`, `<input>`, SVG shapes).
    pub fn void(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(tag);
        self.attrs(attrs);
        self.buf.push_str("/>");
        self
    }

    /// Escaped text.
    pub fn text(&mut self, s: &str) -> &mut Self {
        escape_into(&mut self.buf, s);
        self
    }

    /// `<tag attrs…>text</tag>`
    pub fn elem(
        &mut self,
        tag: &'static str,
        attrs: &[(&'static str, &str)],
        text: &str,
    ) -> &mut Self {
        self.open(tag, attrs).text(text).close(tag)
    }

    /// Markup written in this crate (CSS, scripts, entities): never input.
    pub fn trusted(&mut self, s: &'static str) -> &mut Self {
        self.buf.push_str(s);
        self
    }

    /// Formatted text, escaped.
    pub fn textf(&mut self, args: std::fmt::Arguments) -> &mut Self {
        let mut s = String::new();
        let _ = s.write_fmt(args);
        self.text(&s)
    }

    /// Appends another fragment built with this builder.
    pub fn append(&mut self, other: Html) -> &mut Self {
        self.buf.push_str(&other.buf);
        self
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn into_string(self) -> String {
        self.buf
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_inert() {
        let evil = "</template><script>alert(\"x\")</script>' onload='x";
        let mut h = Html::new();
        h.elem("p", &[("title", evil)], evil);
        let s = h.into_string();
        assert!(!s.contains("<script"), "{s}");
        assert!(!s.contains("</template"), "{s}");
        assert!(!s.contains("' onload"), "{s}");
        assert_eq!(s.matches('"').count(), 2, "{s}");
        assert!(s.starts_with("<p title=\"&lt;/template&gt;"));
    }

    #[test]
    fn control_characters_are_replaced() {
        assert_eq!(escape("a\u{0}b\nc"), "a\u{fffd}b\nc");
    }
}
