// The README plot: µs per signature, small (192 B) and 64 KiB bodies, one panel each, a bar per
// signer for Node and one for Chromium, log scale. Hand-written SVG with an opaque background
// whose colours follow prefers-color-scheme, so it reads on GitHub's light and dark themes.

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (us) => (us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2));

/**
 * rows: [{ label, ours?, chromiumNote?, node: { small, big }, chromium?: { small, big } }]
 * (µs; a missing value draws no bar — chromiumNote says why)
 * meta: { title, subtitle }
 */
export function renderSvg(rows, meta) {
  const W = 980;
  const labelW = 300;
  const plotX = labelW + 20;
  const plotW = W - plotX - 90;
  const barH = 11;
  const rowH = 2 * barH + 10;
  const panelGap = 46;
  const top = 74;
  const panelH = rows.length * rowH;
  const H = top + 2 * panelH + panelGap + 78;

  const all = rows.flatMap((r) => [r.node?.small, r.node?.big, r.chromium?.small, r.chromium?.big]).filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all)));
  const x = (v) => plotX + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotW;

  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif" font-size="12">`);
  out.push(`<title>${esc(meta.title)}</title>`);
  out.push(`<style>
  .bg{fill:#ffffff}.fg{fill:#1f2328}.mute{fill:#59636e}.grid{stroke:#d1d9e0}
  .node{fill:#0969da}.chr{fill:#bf8700}.ours .lbl{font-weight:600}
  @media (prefers-color-scheme: dark){
    .bg{fill:#0d1117}.fg{fill:#e6edf3}.mute{fill:#9198a1}.grid{stroke:#3d444d}
    .node{fill:#4493f8}.chr{fill:#d29922}
  }
</style>`);
  out.push(`<rect class="bg" x="0" y="0" width="${W}" height="${H}" rx="8"/>`);
  out.push(`<text class="fg" x="16" y="26" font-size="16" font-weight="600">${esc(meta.title)}</text>`);
  out.push(`<text class="mute" x="16" y="46">${esc(meta.subtitle)}</text>`);
  // legend
  out.push(`<rect class="node" x="${W - 250}" y="54" width="12" height="10"/><text class="fg" x="${W - 233}" y="63">Node 20</text>`);
  out.push(`<rect class="chr" x="${W - 160}" y="54" width="12" height="10"/><text class="fg" x="${W - 143}" y="63">headless Chromium</text>`);

  const panels = [
    ["small", "192 B JSON body (P2PSendMessage-sized) — µs per signature, log scale, lower is better"],
    ["big", "64 KiB body — µs per signature, log scale, lower is better"],
  ];
  panels.forEach(([size, heading], p) => {
    const y0 = top + p * (panelH + panelGap) + 18;
    out.push(`<text class="fg" x="16" y="${y0 - 8}" font-weight="600">${esc(heading)}</text>`);
    for (let d = lo; d <= hi; d *= 10) {
      const gx = x(d).toFixed(1);
      out.push(`<line class="grid" x1="${gx}" x2="${gx}" y1="${y0}" y2="${y0 + panelH}" stroke-width="1"/>`);
      out.push(`<text class="mute" x="${gx}" y="${y0 + panelH + 13}" text-anchor="middle">${d >= 1000 ? d / 1000 + " ms" : d + " µs"}</text>`);
    }
    rows.forEach((r, i) => {
      const ry = y0 + i * rowH + 4;
      out.push(`<g class="${r.ours ? "ours" : ""}">`);
      out.push(`<text class="fg lbl" x="${labelW}" y="${ry + barH + 2}" text-anchor="end">${esc(r.label)}</text>`);
      if (r.note) out.push(`<text class="mute" x="${labelW}" y="${ry + 2 * barH + 5}" text-anchor="end" font-size="10">${esc(r.note)}</text>`);
      [["node", r.node?.[size]], ["chr", r.chromium?.[size]]].forEach(([cls, v], k) => {
        const by = ry + k * barH;
        if (!(v > 0)) {
          if (cls === "chr" && r.chromiumNote) out.push(`<text class="mute" x="${plotX + 4}" y="${by + barH - 2}" font-size="10">${esc(r.chromiumNote)}</text>`);
          return;
        }
        const w = Math.max(1, x(v) - plotX);
        out.push(`<rect class="${cls}" x="${plotX}" y="${by}" width="${w.toFixed(1)}" height="${barH - 1}" rx="2"/>`);
        out.push(`<text class="fg" x="${(plotX + w + 4).toFixed(1)}" y="${by + barH - 2}" font-size="10">${fmt(v)} µs</text>`);
      });
      out.push(`</g>`);
    });
  });
  out.push(`<text class="mute" x="16" y="${H - 30}" font-size="11">${esc(meta.footnote1 ?? "")}</text>`);
  out.push(`<text class="mute" x="16" y="${H - 14}" font-size="11">${esc(meta.footnote2 ?? "")}</text>`);
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
