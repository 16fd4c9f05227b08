// Keyboard help for the moderation queue: j / k move between items, x toggles
// the focused item's checkbox, a approves it. Every action also has a real
// button, so this is a shortcut, never the only way.
(function () {
  "use strict";
  function items() { return Array.from(document.querySelectorAll(".moderation-item")); }
  function current() {
    return document.activeElement && document.activeElement.closest
      ? document.activeElement.closest(".moderation-item") : null;
  }
  function focusItem(item) {
    if (!item) return;
    var box = item.querySelector(".moderation-select");
    (box || item).focus();
    item.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.matches && target.matches("input[type=text], textarea, select")) return;
    var list = items();
    if (!list.length) return;
    var item = current();
    var index = item ? list.indexOf(item) : -1;
    if (event.key === "j") { focusItem(list[Math.min(index + 1, list.length - 1)]); event.preventDefault(); }
    else if (event.key === "k") { focusItem(list[Math.max(index - 1, 0)]); event.preventDefault(); }
    else if (event.key === "x" && item) { var box = item.querySelector(".moderation-select"); if (box) box.click(); event.preventDefault(); }
    else if (event.key === "a" && item) { var approve = item.querySelector("[data-approve]"); if (approve) approve.click(); event.preventDefault(); }
  });
  var all = document.querySelector("[data-select-all]");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll(".moderation-select").forEach(function (box) { box.checked = all.checked; });
    });
  }
})();
