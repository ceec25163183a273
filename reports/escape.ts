/** Escaping for everything taken from data or configuration (names, error messages). */

const HTML: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text and attribute values in HTML, SVG and XML. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML[c]);
}

/** Characters XML 1.0 cannot hold at all (most C0 controls, U+FFFE, U+FFFF). */
function xmlForbidden(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
    code === 0xfffe ||
    code === 0xffff
  );
}

/** XML 1.0 text and attributes: escaped, with characters XML cannot hold removed. */
export function escapeXml(value: unknown): string {
  let text = String(value);
  let clean = "";
  for (let i = 0; i < text.length; i++) {
    if (!xmlForbidden(text.charCodeAt(i))) clean += text[i];
  }
  text = clean;
  return escapeHtml(text);
}

/** A Markdown table cell: HTML-escaped (GitHub renders HTML), Markdown syntax and pipes neutralised. */
export function escapeMarkdownCell(value: unknown): string {
  return escapeHtml(value)
    .replace(/[\r\n]+/g, " ")
    .replace(/([\\`*_[\]|])/g, "\\$1");
}
