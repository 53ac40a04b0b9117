// TrainingRun admin page: polls the run's history.json about once a second while it trains and
// draws the loss curve (SVG, log scale, one line per loss part; the total in bold).
(() => {
  const root = document.getElementById("training-live");
  if (!root) return;
  const svg = document.getElementById("loss-curve");
  const NS = "http://www.w3.org/2000/svg";
  const COLOURS = { total: "#1b4d89", content: "#2a9d8f", style: "#e76f51", tv: "#8d99ae", feature: "#2a9d8f" };
  const PAD = { left: 56, right: 12, top: 12, bottom: 28 };
  const field = (name) => root.querySelector(`[data-field="${name}"]`);

  function el(name, attrs, text) {
    const node = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function draw(history, total) {
    const width = svg.viewBox.baseVal.width;
    const height = svg.viewBox.baseVal.height;
    const plotW = width - PAD.left - PAD.right;
    const plotH = height - PAD.top - PAD.bottom;
    const parts = [...new Set(history.flatMap((p) => Object.keys(p)))].filter((k) => k !== "step");
    const values = history.flatMap((p) => parts.map((k) => p[k])).filter((v) => v > 0 && Number.isFinite(v));
    svg.replaceChildren();
    svg.append(el("line", { x1: PAD.left, y1: PAD.top + plotH, x2: width - PAD.right, y2: PAD.top + plotH, stroke: "#999" }));
    svg.append(el("line", { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: PAD.top + plotH, stroke: "#999" }));
    if (!values.length) {
      svg.append(el("text", { x: width / 2, y: height / 2, "text-anchor": "middle", fill: "#777" }, "Waiting for the first steps…"));
      return;
    }
    let lo = Math.log10(Math.min(...values));
    let hi = Math.log10(Math.max(...values));
    if (hi - lo < 1e-6) { lo -= 0.5; hi += 0.5; }
    const lastStep = Math.max(total || 0, ...history.map((p) => p.step), 1);
    const x = (step) => PAD.left + (plotW * step) / lastStep;
    const y = (value) => PAD.top + plotH * (1 - (Math.log10(value) - lo) / (hi - lo));
    svg.append(el("text", { x: PAD.left - 6, y: PAD.top + 10, "text-anchor": "end", "font-size": 11 }, number(10 ** hi)));
    svg.append(el("text", { x: PAD.left - 6, y: PAD.top + plotH, "text-anchor": "end", "font-size": 11 }, number(10 ** lo)));
    svg.append(el("text", { x: width - PAD.right, y: height - 8, "text-anchor": "end", "font-size": 11 }, `step ${lastStep}`));
    parts.forEach((part, index) => {
      const points = history.filter((p) => p[part] > 0).map((p) => `${x(p.step).toFixed(1)},${y(p[part]).toFixed(1)}`);
      if (!points.length) return;
      const colour = COLOURS[part] || `hsl(${index * 70}, 60%, 45%)`;
      const line = el("polyline", {
        points: points.join(" "), fill: "none", stroke: colour, "stroke-width": part === "total" ? 2.5 : 1.2,
        "data-part": part, class: "loss-line",
      });
      if (points.length === 1) {  // one point: a dot, so the first step is visible too
        const [cx, cy] = points[0].split(",");
        svg.append(el("circle", { cx, cy, r: 3, fill: colour, "data-part": part, class: "loss-line" }));
      }
      svg.append(line);
      svg.append(el("text", { x: PAD.left + 8 + index * 80, y: height - 8, fill: colour, "font-size": 11 }, part));
    });
  }

  // An axis value as people write it: 43.2, 0.0123, 4.3e5, 1.2e-11.
  function number(value) {
    if (value >= 1e4 || value < 1e-3) return value.toExponential(1).replace("e+", "e").replace(".0e", "e");
    return String(Number(value.toPrecision(3)));
  }

  function eta(seconds) {
    if (seconds == null) return "";
    const s = Math.round(seconds);
    return s < 60 ? `about ${s} s left` : `about ${Math.floor(s / 60)} min ${s % 60} s left`;
  }

  let drawn = null;

  function render(p) {
    field("state_label").textContent = p.state_label + (p.cancel_requested && !p.finished ? " (stopping…)" : "");
    field("step").textContent = p.step;
    field("total").textContent = p.total;
    field("rate").textContent = p.images_per_s ? `${p.images_per_s} images/s` : "";
    field("eta").textContent = p.state === "running" ? eta(p.eta_seconds) : "";
    field("losses").textContent = Object.entries(p.losses || {})
      .filter(([k]) => k !== "images_per_s")
      .map(([k, v]) => `${k} ${Number(v).toPrecision(4)}`)
      .join(" · ");
    const message = field("message");
    message.textContent = p.message;
    message.style.display = p.message ? "" : "none";  // the admin's .errornote overrides [hidden]
    const model = field("model");
    if (p.style_model_url) {
      model.querySelector("a").href = p.style_model_url;
      model.hidden = false;
    }
    field("cancel").hidden = p.finished;
    field("resume").hidden = !(p.state === "cancelled" || p.state === "failed");
    const img = document.getElementById("training-preview");
    if (p.preview_url && img.getAttribute("src") !== p.preview_url) {
      img.src = p.preview_url;
      img.hidden = false;
      field("preview_caption").textContent = `Preview at step ${p.step}`;
    }
    const key = JSON.stringify([p.history, p.total]);
    if (key !== drawn) {  // redraw only what changed: the curve's elements stay put between steps
      drawn = key;
      draw(p.history || [], p.total);
    }
  }

  async function poll() {
    let p;
    try {
      const response = await fetch(root.dataset.url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (!response.ok) throw new Error(response.statusText);
      p = await response.json();
      render(p);
    } catch (error) {
      console.warn("training progress:", error);
    }
    if (!p || !p.finished) setTimeout(poll, 1000);
  }

  render(JSON.parse(document.getElementById("training-progress").textContent));
  poll();
})();
