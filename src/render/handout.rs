//! The handout's QR code: an inline SVG made at build time.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An SVG QR code that encodes `url`, with a text alternative.
pub fn qr_svg(url: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let svg = code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // Drop the XML declaration and fixed size, so CSS decides the size; name it for screen readers.
    let start = svg.find("<svg").unwrap_or(0);
    let svg = &svg[start..];
    let svg = strip_attribute(svg, "width");
    let svg = strip_attribute(&svg, "height");
    let label = format!("QR code for {}", escape(url));
    Some(svg.replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{label}\" class=\"qr\""),
        1,
    ))
}

fn strip_attribute(svg: &str, name: &str) -> String {
    let open_end = svg.find('>').unwrap_or(svg.len());
    let (head, tail) = svg.split_at(open_end);
    let pattern = format!(" {name}=\"");
    match head.find(&pattern) {
        Some(start) => {
            let value_start = start + pattern.len();
            let end = head[value_start..]
                .find('"')
                .map_or(head.len(), |i| value_start + i + 1);
            format!("{}{}{}", &head[..start], &head[end..], tail)
        }
        None => svg.to_string(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn qr_is_a_scalable_svg() {
        let svg = super::qr_svg("https://example.org/back/routines/morning/").unwrap();
        assert!(svg.starts_with("<svg role=\"img\""), "{svg}");
        assert!(svg.contains("viewBox"), "{svg}");
        let open_tag = &svg[..svg.find('>').unwrap_or(svg.len())];
        assert!(!open_tag.contains(" width=\""), "{svg}");
    }
}
