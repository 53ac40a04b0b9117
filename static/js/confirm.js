// Forms with data-confirm ask before they submit (delete buttons). A live page marks a form
// data-confirm-skip while the question does not apply (a job still queued cancels without asking).
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (form.hasAttribute("data-confirm-skip")) return;
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});
