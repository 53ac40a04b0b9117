// The job page: clicking a picture picks the algorithm too (a fast style: its network; any other
// style: the page's any-style algorithm, unless "More control" already chose one that takes
// styles), a preset sets its option fields, and the expected time follows every change. The
// form's fields stay the truth: what "More control" shows is what is sent, so an expert's edit
// wins. Without JavaScript every section shows and the server uses the algorithm chosen there.
// "Make every pair" turns the photo and fast-style picks into checkboxes and lifts the blend limit on
// styles: each photo goes with each style on its own (a batch), and the count of pictures shows beside it.
(() => {
  const form = document.getElementById("job-form");
  if (!form) return;
  const algorithm = form.querySelector("[name=algorithm]");
  const limits = JSON.parse(document.getElementById("style-limits").textContent);
  const presets = JSON.parse(document.getElementById("presets").textContent);
  const fastAlgorithm = form.dataset.fastAlgorithm;
  const anyStyle = form.dataset.anyStyle;
  const styleBoxes = [...form.querySelectorAll("[data-style]")];
  const fastRadios = [...form.querySelectorAll("[data-fast]")];
  const limitNote = form.querySelector("[data-style-limit]");
  const pairs = form.querySelector("[data-every-pair]");
  const pairCount = form.querySelector("[data-pair-count]");
  const photoInputs = [...form.querySelectorAll("[data-photo]")];
  const expected = form.querySelector("[data-expected]");
  const engine = form.querySelector("[data-engine]");
  const label = (name) => algorithm.querySelector(`option[value="${name}"]`)?.textContent.split(" — ")[0] ?? name;

  function setAlgorithm(name) {
    if (!name || algorithm.value === name) return;
    algorithm.value = name;
    algorithm.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function show() {
    const name = algorithm.value;
    form.querySelectorAll("[data-algorithm]").forEach((el) => {
      el.hidden = el.dataset.algorithm !== name;
    });
    const most = limits[name] ?? 0;
    form.querySelector("[data-no-style]").hidden = most > 0 || name === fastAlgorithm;
    styleBoxes.forEach((box) => {
      box.closest(".pick-card").querySelector("[data-weight]").hidden = !(box.checked && most > 1 && !pairs.checked);
    });
    const photos = photoInputs.filter((input) => input.checked).length;
    const styles = styleBoxes.filter((box) => box.checked).length || fastRadios.filter((r) => r.checked).length;
    const pictures = photos * Math.max(styles, 1);
    const time = expected.textContent.startsWith("about") ? `, ${expected.textContent}` : "";
    pairCount.textContent = pairs.checked && photos ? `(${pictures} ${pictures === 1 ? "picture" : "pictures"}${time})` : "";
    markPreset();
  }

  // Picking pictures.
  fastRadios.forEach((radio) =>
    radio.addEventListener("change", () => {
      if (!radio.checked) return show(); // a fast style unpicked while pairing
      styleBoxes.forEach((box) => (box.checked = false));
      limitNote.hidden = true;
      setAlgorithm(fastAlgorithm);
      show();
    }),
  );
  styleBoxes.forEach((box) =>
    box.addEventListener("change", () => {
      limitNote.hidden = true;
      if (box.checked) {
        fastRadios.forEach((radio) => (radio.checked = false));
        if (!(limits[algorithm.value] > 0)) setAlgorithm(anyStyle);
        const most = limits[algorithm.value] ?? 0;
        const others = styleBoxes.filter((other) => other !== box && other.checked);
        if (pairs.checked) {
          // every style is a picture of its own: no blend limit
        } else if (most === 1) {
          others.forEach((other) => (other.checked = false));
        } else if (others.length >= most) {
          box.checked = false;
          limitNote.textContent = `${label(algorithm.value)} blends up to ${most} styles: unpick one first.`;
          limitNote.hidden = false;
        }
      }
      show();
    }),
  );
  // An algorithm chosen under "More control" drops the picks it cannot take.
  algorithm.addEventListener("change", () => {
    const most = limits[algorithm.value] ?? 0;
    if (algorithm.value !== fastAlgorithm) fastRadios.forEach((radio) => (radio.checked = false));
    if (!pairs.checked) styleBoxes.filter((box) => box.checked).slice(most).forEach((box) => (box.checked = false));
    show();
  });

  // Pairing: photos and fast styles become checkboxes; back to one of each, the first picked stays.
  pairs.addEventListener("change", () => {
    [photoInputs, fastRadios].forEach((inputs) => {
      let kept = false;
      inputs.forEach((input) => {
        if (!pairs.checked) {
          input.checked = input.checked && !kept;
          kept ||= input.checked;
        }
        input.type = pairs.checked ? "checkbox" : "radio";
      });
    });
    if (!pairs.checked) algorithm.dispatchEvent(new Event("change", { bubbles: true })); // the blend limit again
    show();
  });
  photoInputs.forEach((input) => input.addEventListener("change", show));

  // Presets set their fields; a field edited by hand leaves no preset marked.
  const field = (name, option) => form.elements[`${name}-${option}`];
  function markPreset() {
    const name = algorithm.value;
    const group = form.querySelectorAll(`[name="preset-${name}"]`);
    group.forEach((radio) => {
      const options = presets[name][radio.value];
      radio.checked = Object.entries(options).every(([option, value]) => field(name, option)?.value === String(value));
    });
  }
  form.querySelectorAll("[data-presets] input[type=radio]").forEach((radio) =>
    radio.addEventListener("change", () => {
      const name = radio.closest("[data-presets]").dataset.presets;
      Object.entries(presets[name][radio.value]).forEach(([option, value]) => {
        const input = field(name, option);
        if (input) input.value = value;
      });
      estimate();
    }),
  );

  // A strength slider shows its value.
  form.querySelectorAll('input[type=range]').forEach((range) => {
    const out = document.createElement("output");
    out.className = "range-value";
    out.htmlFor = range.id;
    const update = () => (out.value = `${Math.round(range.value * 100)} %`);
    range.after(out);
    range.addEventListener("input", update);
    update();
  });

  // The expected time, from the server's measured rates, for what the form holds now.
  function missing() {
    if (!form.querySelector("[name=content]:checked")) return "pick a photo";
    const name = algorithm.value;
    if (name === fastAlgorithm) return fastRadios.some((radio) => radio.checked) ? "" : "pick a style";
    return limits[name] > 0 && !styleBoxes.some((box) => box.checked) ? "pick a style" : "";
  }
  let pending = null;
  let asked = 0;
  function estimate() {
    clearTimeout(pending);
    engine.textContent = `· ${label(algorithm.value)}`;
    const ask = ++asked;
    const wanted = missing();
    if (wanted) {
      expected.textContent = wanted;
      return;
    }
    if (expected.textContent.startsWith("pick")) expected.textContent = "…";
    pending = setTimeout(async () => {
      const params = new URLSearchParams(new FormData(form));
      params.delete("csrfmiddlewaretoken");
      let text = "";
      try {
        const response = await fetch(`${form.dataset.estimateUrl}?${params}`, { headers: { Accept: "application/json" } });
        if (response.ok) text = (await response.json()).text;
      } catch {
        text = "";
      }
      if (ask !== asked) return; // an answer to an older question
      expected.textContent = text || "not known yet"; // with "every pair": all the pictures' time
      show();
    }, 150);
  }
  form.addEventListener("change", estimate);
  form.addEventListener("input", (event) => {
    if (event.target.closest(".options")) markPreset();
    estimate();
  });

  show();
  estimate();
})();
