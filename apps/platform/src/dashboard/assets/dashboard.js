// Progressive enhancement only: every page works without this script. It adds "Copy" buttons to
// elements marked `data-copy` (a key shown once, client snippets).
for (const target of document.querySelectorAll("[data-copy]")) {
  if (!navigator.clipboard) break;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "secondary";
  button.textContent = "Copy";
  button.setAttribute("aria-label", target.getAttribute("data-copy") || "Copy");
  const status = document.createElement("span");
  status.className = "muted";
  status.setAttribute("role", "status");
  button.addEventListener("click", async () => {
    const text = "value" in target ? target.value : target.textContent;
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = " Copied.";
    } catch {
      status.textContent = " Copying failed: select the text and copy it yourself.";
    }
  });
  target.before(button, status);
}
