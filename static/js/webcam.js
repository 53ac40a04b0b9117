// Live webcam page: camera -> canvas -> JPEG -> WebSocket; stylized JPEGs come back and are shown.
// One frame in flight at a time (the server also drops frames while busy), so lag stays low.
(() => {
  const root = document.getElementById("webcam");
  if (!root) return;
  const width = Number(root.dataset.width);
  const camera = document.getElementById("camera");
  const styled = document.getElementById("styled");
  const picker = document.getElementById("style-choice");
  const captureButton = document.getElementById("capture");
  const fpsBadge = document.getElementById("fps");
  const statusLine = document.getElementById("status");
  const recordButton = document.getElementById("record");
  const stopButton = document.getElementById("record-stop");
  const recordState = document.getElementById("record-state");
  const canvas = document.createElement("canvas");
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}${root.dataset.wsPath}`);
  socket.binaryType = "blob";
  let waiting = false;
  let lastUrl = null;
  const arrivals = [];

  const say = (text) => { statusLine.textContent = text; };

  // Recording: idle -> starting -> recording (a clock) -> saving -> idle with "Saved: <link>".
  // The server encodes the frames it sends back; the page only asks and shows the state.
  let recordClock = null;
  function recordingAs(state, text) {
    recordState.dataset.state = state;
    recordButton.disabled = state !== "idle" || !styled.src;
    stopButton.disabled = state !== "recording";
    clearInterval(recordClock);
    if (state === "recording") {
      const started = performance.now();
      const tick = () => {
        const seconds = Math.floor((performance.now() - started) / 1000);
        recordState.textContent = `Recording ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}…`;
      };
      tick();
      recordClock = setInterval(tick, 500);
    } else if (text !== undefined) recordState.textContent = text;
  }

  function showSaved(message) {
    recordingAs("idle", "Saved: ");
    const link = document.createElement("a");
    link.href = message.url;
    link.textContent = message.title;
    recordState.append(link, ` (${message.frames} frames, ${message.seconds} s)`);
  }

  function sendFrame() {
    if (waiting || socket.readyState !== WebSocket.OPEN || !camera.videoWidth) return;
    const scale = Math.min(1, width / camera.videoWidth);
    canvas.width = Math.round(camera.videoWidth * scale);
    canvas.height = Math.round(camera.videoHeight * scale);
    canvas.getContext("2d").drawImage(camera, 0, 0, canvas.width, canvas.height);
    waiting = true;
    canvas.toBlob((blob) => {
      if (blob && socket.readyState === WebSocket.OPEN) socket.send(blob);
      else waiting = false;
    }, "image/jpeg", 0.8);
  }

  function showFrame(blob) {
    waiting = false;
    const url = URL.createObjectURL(blob);
    styled.src = url;
    styled.hidden = false;
    if (lastUrl) URL.revokeObjectURL(lastUrl);
    lastUrl = url;
    const now = performance.now();
    arrivals.push(now);
    while (arrivals.length && now - arrivals[0] > 2000) arrivals.shift();
    const seconds = arrivals.length > 1 ? (now - arrivals[0]) / 1000 : 0;
    fpsBadge.textContent = `${seconds ? ((arrivals.length - 1) / seconds).toFixed(1) : "0.0"} fps`;
    fpsBadge.dataset.fps = seconds ? ((arrivals.length - 1) / seconds).toFixed(2) : "0";
    captureButton.disabled = false;
    if (recordState.dataset.state === "idle") recordButton.disabled = false;
    sendFrame();
  }

  function handleMessage(message) {
    if (message.type === "ready") say(`Connected: frames up to ${message.width} px wide${message.gpu ? " on the GPU" : " on the CPU"}.`);
    else if (message.type === "model") say(`Style: ${message.name}`);
    else if (message.type === "captured") {
      statusLine.innerHTML = "";
      const link = document.createElement("a");
      link.href = message.url;
      link.textContent = `Saved “${message.title}” to your results`;
      statusLine.append(link);
    } else if (message.type === "recording") recordingAs("recording");
    else if (message.type === "saving") recordingAs("saving", message.message ? `${message.message} Saving…` : "Saving…");
    else if (message.type === "recorded") showSaved(message);
    else if (message.type === "error" && "recording" in message) {
      if (!message.recording) recordingAs("idle", message.message);
    } else if (message.type === "error") { waiting = false; say(message.message); }
  }

  socket.addEventListener("open", () => {
    socket.send(JSON.stringify({ type: "model", id: picker.value }));
    sendFrame();
  });
  socket.addEventListener("message", (event) => {
    if (typeof event.data === "string") handleMessage(JSON.parse(event.data));
    else showFrame(event.data);
  });
  socket.addEventListener("close", () => {
    say("Disconnected from the server. Reload the page to try again.");
    if (recordState.dataset.state === "recording") recordingAs("closed", "Disconnected: what was recorded is saved in your results.");
    else recordingAs("closed");
  });
  picker.addEventListener("change", () => socket.send(JSON.stringify({ type: "model", id: picker.value })));
  captureButton.addEventListener("click", () => socket.send(JSON.stringify({ type: "capture" })));
  recordButton.addEventListener("click", () => {
    recordingAs("starting", "Starting…");
    socket.send(JSON.stringify({ type: "record", action: "start" }));
  });
  stopButton.addEventListener("click", () => {
    recordingAs("stopping", "Stopping…");
    socket.send(JSON.stringify({ type: "record", action: "stop" }));
  });
  // keep asking: covers a dropped frame or an error reply
  setInterval(() => { if (!waiting) sendFrame(); }, 250);

  // No camera (none plugged in, permission refused, or a plain-http page, where browsers offer none):
  // say so where the picture would be, instead of an empty frame and a broken image.
  function noCamera(reason) {
    const notice = document.getElementById("no-camera");
    notice.textContent = `No camera: ${reason}`;
    notice.hidden = false;
    camera.hidden = true;
    document.getElementById("camera-caption").textContent = "No camera";
  }

  if (!navigator.mediaDevices?.getUserMedia) {
    noCamera("browsers offer the camera only to https:// pages and to localhost.");
  } else {
    navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false })
      .then((stream) => { camera.srcObject = stream; camera.addEventListener("loadeddata", sendFrame, { once: true }); })
      .catch((error) => noCamera(error.name === "NotAllowedError"
        ? "the browser was not allowed to use it (see the address bar's camera icon)."
        : `${error.message || error.name}.`));
  }
})();
