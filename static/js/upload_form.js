// The upload form's drop zone: images dropped on it, or chosen with the picker, join one list (with
// small previews and a remove button each) that the file input carries when the form is sent. With
// several images the title field is off, as the server names each after its file. Without
// JavaScript the plain multiple file input still works.
(() => {
  const zone = document.querySelector("[data-dropzone]");
  if (!zone) return;
  const input = zone.querySelector("input[type=file]");
  const list = zone.querySelector("[data-file-list]");
  const tooMany = zone.querySelector("[data-too-many]");
  const title = input.form.querySelector("[name=title]");
  const most = Number(zone.dataset.maxFiles);
  let chosen = [];

  function choose(files) {
    chosen = files;
    const transfer = new DataTransfer();
    chosen.forEach((file) => transfer.items.add(file));
    input.files = transfer.files;
    show();
  }

  function show() {
    list.querySelectorAll("img").forEach((img) => URL.revokeObjectURL(img.src));
    list.replaceChildren(
      ...chosen.map((file, index) => {
        const item = document.createElement("li");
        const preview = document.createElement("img");
        preview.alt = "";
        if (file.type.startsWith("image/")) preview.src = URL.createObjectURL(file);
        const name = document.createElement("span");
        name.textContent = file.name;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "dropzone-remove";
        remove.textContent = "Remove";
        remove.setAttribute("aria-label", `Remove ${file.name}`);
        remove.addEventListener("click", () => choose(chosen.filter((_, i) => i !== index)));
        item.append(preview, name, remove);
        return item;
      }),
    );
    tooMany.hidden = chosen.length <= most;
    tooMany.textContent = `Send at most ${most} images at once (${chosen.length} are chosen).`;
    if (title) title.disabled = chosen.length > 1;
  }

  input.addEventListener("change", () => choose([...chosen, ...input.files]));
  zone.addEventListener("dragover", (event) => {
    event.preventDefault(); // lets the drop happen here rather than the browser opening the file
    zone.classList.add("is-dragover");
  });
  zone.addEventListener("dragleave", (event) => {
    if (!zone.contains(event.relatedTarget)) zone.classList.remove("is-dragover");
  });
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("is-dragover");
    choose([...chosen, ...event.dataTransfer.files]);
  });
  zone.querySelector("[data-drop-hint]").hidden = false;
})();
