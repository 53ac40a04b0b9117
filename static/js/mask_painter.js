// Region masks on the job page: each picked style shows "Add a mask" (its slot), where a
// black-and-white image can be uploaded or painted on the chosen photo. The painter is a canvas
// laid over the photo (brush, eraser, size, fill, clear); painted parts show tinted. "Done" turns
// the painting into a PNG (white = the style goes here) and puts it in the slot's file input, so
// it is sent with the form like an uploaded mask. "Outside the masks" shows once a mask is set.
(() => {
  const form = document.getElementById("job-form");
  const dialog = document.querySelector("[data-painter]");
  if (!form || !dialog) return;
  const slots = [...form.querySelectorAll("[data-mask-slot]")];
  const fastRadios = [...form.querySelectorAll("[data-fast]")];
  const photo = dialog.querySelector("[data-painter-photo]");
  const stage = dialog.querySelector(".painter-stage");
  const canvas = dialog.querySelector("[data-painter-canvas]");
  const size = dialog.querySelector("[data-painter-size]");
  const tools = [...dialog.querySelectorAll("[name=painter-tool]")];
  const MAX_SIDE = 1024; // the mask is resized to the result anyway
  const paintings = new Map(); // slot key -> its painting so far, to go on with later
  let slot = null;

  const chosenPhoto = () => form.querySelector("[data-photo]:checked");
  const hasMask = (s) => s.querySelector("[data-mask-file]").files.length > 0 || !!s.querySelector("[data-mask-kept]").value;

  // Which slots show: a picked style's; the fast slot while a fast style is picked.
  function showSlots() {
    const fast = fastRadios.find((radio) => radio.checked);
    slots.forEach((s) => {
      const key = s.dataset.maskSlot;
      if (key === "fast") {
        s.hidden = !fast;
        if (fast) s.querySelector("[data-mask-title]").textContent = fast.closest(".pick-card").querySelector(".pick-name").firstChild.textContent.trim();
      } else {
        s.hidden = !document.getElementById(`style-${key}`)?.checked;
      }
      s.querySelector("[data-mask-paint]").hidden = !chosenPhoto();
    });
    const masked = slots.some((s) => !s.hidden && hasMask(s));
    form.querySelectorAll('[data-option="unmasked"]').forEach((el) => (el.hidden = !masked));
  }

  function status(s, text, image) {
    const line = s.querySelector("[data-mask-status]");
    line.replaceChildren();
    if (image) {
      const img = document.createElement("img");
      img.className = "mask-thumb";
      img.alt = "";
      img.src = image;
      line.append(img);
    }
    line.append(text);
    s.querySelector("[data-mask-remove]").hidden = !image;
    showSlots();
  }

  // The painter.
  const ctx = canvas.getContext("2d");
  function open(s) {
    const picked = chosenPhoto();
    if (!picked) return;
    slot = s;
    dialog.querySelector("[data-painter-style]").textContent = s.querySelector("[data-mask-title]").textContent;
    photo.onload = () => {
      // The photo fills the dialog's width (a small photo too), or 65 % of the screen's height.
      const aspect = photo.naturalWidth / photo.naturalHeight;
      stage.style.aspectRatio = `${photo.naturalWidth} / ${photo.naturalHeight}`;
      stage.style.width = `min(100%, calc(65vh * ${aspect}))`;
      const scale = Math.min(1, MAX_SIDE / Math.max(photo.naturalWidth, photo.naturalHeight));
      canvas.width = Math.round(photo.naturalWidth * scale);
      canvas.height = Math.round(photo.naturalHeight * scale);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      const before = paintings.get(s.dataset.maskSlot);
      if (before && before.photo === picked.value) ctx.drawImage(before.canvas, 0, 0, canvas.width, canvas.height);
    };
    photo.src = picked.dataset.imageUrl;
    photo.alt = picked.dataset.title;
    dialog.showModal();
  }

  let last = null;
  const tool = () => tools.find((t) => t.checked).value;
  function point(event) {
    const box = canvas.getBoundingClientRect();
    return { x: ((event.clientX - box.left) * canvas.width) / box.width, y: ((event.clientY - box.top) * canvas.height) / box.height };
  }
  function stroke(from, to) {
    const box = canvas.getBoundingClientRect();
    ctx.globalCompositeOperation = tool() === "eraser" ? "destination-out" : "source-over";
    ctx.strokeStyle = "#e0006b";
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.lineWidth = (Number(size.value) * canvas.width) / box.width; // the size as seen on screen
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x + 0.01, to.y);
    ctx.stroke();
  }
  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    last = point(event);
    stroke(last, last);
    event.preventDefault();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!last) return;
    const now = point(event);
    stroke(last, now);
    last = now;
  });
  ["pointerup", "pointercancel"].forEach((name) => canvas.addEventListener(name, () => (last = null)));

  function fill(colour) {
    ctx.globalCompositeOperation = "source-over";
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (colour) {
      ctx.fillStyle = colour;
      ctx.fillRect(0, 0, canvas.width, canvas.height);
    }
  }
  dialog.querySelector("[data-painter-clear]").addEventListener("click", () => fill(null));
  dialog.querySelector("[data-painter-fill]").addEventListener("click", () => fill("#e0006b"));
  dialog.querySelector("[data-painter-cancel]").addEventListener("click", () => dialog.close());
  dialog.addEventListener("keydown", (event) => {
    if (event.target.matches("input[type=range]")) return;
    const key = event.key.toLowerCase();
    if (key === "b" || key === "e") tools.find((t) => t.value === (key === "b" ? "brush" : "eraser")).checked = true;
  });

  // Painted parts white, the rest black: the mask stylecore reads.
  function maskBlob() {
    const out = document.createElement("canvas");
    out.width = canvas.width;
    out.height = canvas.height;
    const x = out.getContext("2d");
    x.drawImage(canvas, 0, 0);
    x.globalCompositeOperation = "source-in";
    x.fillStyle = "#fff";
    x.fillRect(0, 0, out.width, out.height);
    x.globalCompositeOperation = "destination-over";
    x.fillStyle = "#000";
    x.fillRect(0, 0, out.width, out.height);
    return new Promise((resolve) => out.toBlob(resolve, "image/png"));
  }
  dialog.querySelector("[data-painter-done]").addEventListener("click", async () => {
    const s = slot;
    const copy = document.createElement("canvas");
    copy.width = canvas.width;
    copy.height = canvas.height;
    copy.getContext("2d").drawImage(canvas, 0, 0);
    paintings.set(s.dataset.maskSlot, { canvas: copy, photo: chosenPhoto().value });
    const blob = await maskBlob();
    const name = `${s.querySelector("[data-mask-title]").textContent} on ${chosenPhoto().dataset.title}.png`;
    const files = new DataTransfer();
    files.items.add(new File([blob], name, { type: "image/png" }));
    s.querySelector("[data-mask-file]").files = files.files;
    s.querySelector("[data-mask-kept]").value = "";
    dialog.close();
    status(s, "Painted mask, sent with the job", URL.createObjectURL(blob));
  });

  slots.forEach((s) => {
    const file = s.querySelector("[data-mask-file]");
    s.querySelector("[data-mask-paint]").addEventListener("click", () => open(s));
    file.addEventListener("change", () => {
      s.querySelector("[data-mask-kept]").value = "";
      if (file.files.length) status(s, `Mask: ${file.files[0].name}`, URL.createObjectURL(file.files[0]));
      else status(s, "No mask", null);
    });
    s.querySelector("[data-mask-remove]").addEventListener("click", () => {
      file.value = "";
      s.querySelector("[data-mask-kept]").value = "";
      paintings.delete(s.dataset.maskSlot);
      status(s, "No mask: the style covers the whole picture (or what other masks leave).", null);
    });
  });
  form.addEventListener("change", showSlots);
  showSlots();
})();
