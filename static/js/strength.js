// The result page's strength slider: the full-strength layer is shown over the photo at the
// slider's opacity, which is the same blend the server makes on "Save as new result"
// (stylecore.finish.blend), so what you see is what you save.
(function () {
  const form = document.querySelector("[data-strength-form]");
  const stack = document.querySelector("[data-strength-stack]");
  if (!form || !stack) return;
  const slider = form.querySelector("input[type=range]");
  const shown = form.querySelector("[data-strength-value]");
  const save = form.querySelector("[data-strength-save]");
  const reset = form.querySelector("[data-strength-reset]");
  const photo = stack.querySelector('[data-layer="photo"]');
  const full = stack.querySelector('[data-layer="full"]');
  const madeAt = slider.dataset.madeAt;

  function update() {
    const changed = Number(slider.value) !== Number(madeAt);
    // layers cover the stored result only while another strength is shown
    photo.hidden = full.hidden = !changed;
    full.style.opacity = slider.value;
    shown.textContent = Math.round(slider.value * 100) + "%";
    if (save) save.disabled = !changed;
    reset.disabled = !changed;
  }

  slider.addEventListener("input", update);
  reset.addEventListener("click", function () {
    slider.value = madeAt;
    update();
  });
  update();
})();
