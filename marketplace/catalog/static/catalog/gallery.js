/* The product gallery: pictures open large in a dialog instead of following
   their links (which stay, for pages without JavaScript).

   In the dialog: arrow keys, the buttons or a swipe move between pictures;
   Escape, the close button or a click beside the picture closes it, and focus
   goes back to the picture that opened it. Tab stays inside the dialog.
   The labels come from data-label-* attributes, translated by the server. */
(function () {
  "use strict";

  var SWIPE_MIN_PX = 40;

  function pictureList(gallery) {
    // The stage and the first thumbnail show the same picture: one entry per URL.
    var seen = {};
    var list = [];
    gallery.querySelectorAll("a[data-gallery-item]").forEach(function (link) {
      var href = link.getAttribute("href");
      if (!(href in seen)) {
        seen[href] = list.length;
        list.push({
          src: href,
          width: link.dataset.width,
          height: link.dataset.height,
          alt: link.dataset.alt || "",
        });
      }
      link.dataset.galleryIndex = String(seen[href]);
    });
    return list;
  }

  function button(className, label, symbol) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.setAttribute("aria-label", label);
    var glyph = document.createElement("span");
    glyph.setAttribute("aria-hidden", "true");
    glyph.textContent = symbol;
    element.appendChild(glyph);
    return element;
  }

  function enhance(gallery) {
    var pictures = pictureList(gallery);
    if (!pictures.length || typeof HTMLDialogElement !== "function") {
      return; // the links keep working
    }
    var labels = gallery.dataset;
    var dialog = document.createElement("dialog");
    dialog.className = "gallery-dialog";
    dialog.setAttribute("aria-label", labels.labelDialog || "");
    var figure = document.createElement("figure");
    figure.className = "gallery-figure";
    var large = document.createElement("img");
    large.className = "gallery-large";
    large.draggable = false;
    var caption = document.createElement("figcaption");
    caption.className = "gallery-caption";
    caption.setAttribute("aria-live", "polite");
    figure.appendChild(large);
    figure.appendChild(caption);
    var close = button("gallery-close", labels.labelClose || "Close", "×");
    var previous = button("gallery-previous", labels.labelPrevious || "Previous", "‹");
    var next = button("gallery-next", labels.labelNext || "Next", "›");
    dialog.appendChild(close);
    dialog.appendChild(figure);
    if (pictures.length > 1) {
      dialog.appendChild(previous);
      dialog.appendChild(next);
    }
    document.body.appendChild(dialog);

    var current = 0;
    var opener = null;

    function show(index) {
      current = (index + pictures.length) % pictures.length;
      var picture = pictures[current];
      // Width and height first, so the dialog keeps its size while it loads.
      if (picture.width) large.width = Number(picture.width);
      if (picture.height) large.height = Number(picture.height);
      large.alt = picture.alt;
      large.src = picture.src;
      caption.textContent = (labels.labelPosition || "{number} / {total}")
        .replace("{number}", String(current + 1))
        .replace("{total}", String(pictures.length));
      if (pictures.length > 1) {
        // The next one is ready when asked for.
        new Image().src = pictures[(current + 1) % pictures.length].src;
      }
    }

    function open(index, from) {
      opener = from;
      show(index);
      dialog.showModal();
      close.focus();
    }

    gallery.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-gallery-item]");
      if (!link || event.button !== 0 || event.ctrlKey || event.metaKey ||
          event.shiftKey || event.altKey) {
        return; // a new tab or window still gets the plain link
      }
      event.preventDefault();
      open(Number(link.dataset.galleryIndex), link);
    });

    close.addEventListener("click", function () { dialog.close(); });
    previous.addEventListener("click", function () { show(current - 1); });
    next.addEventListener("click", function () { show(current + 1); });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close(); // the backdrop
    });
    dialog.addEventListener("close", function () {
      if (opener && document.contains(opener)) opener.focus();
      opener = null;
    });

    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight") {
        show(current + 1);
      } else if (event.key === "ArrowLeft") {
        show(current - 1);
      } else if (event.key === "Home") {
        show(0);
      } else if (event.key === "End") {
        show(pictures.length - 1);
      } else if (event.key === "Tab") {
        var focusable = Array.prototype.filter.call(
          dialog.querySelectorAll("button"),
          function (element) { return element.getClientRects().length > 0; }
        );
        var first = focusable[0];
        var last = focusable[focusable.length - 1];
        if (event.shiftKey && document.activeElement === first) {
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          first.focus();
        } else {
          return;
        }
      } else {
        return; // Escape: the dialog's own cancel closes it
      }
      event.preventDefault();
    });

    // Swipe: pointer events, so touch, pen and mouse drags all work.
    var start = null;
    figure.addEventListener("pointerdown", function (event) {
      start = { x: event.clientX, y: event.clientY, id: event.pointerId };
    });
    figure.addEventListener("pointercancel", function () { start = null; });
    figure.addEventListener("pointerup", function (event) {
      if (!start || start.id !== event.pointerId) return;
      var dx = event.clientX - start.x;
      var dy = event.clientY - start.y;
      start = null;
      if (pictures.length > 1 && Math.abs(dx) >= SWIPE_MIN_PX &&
          Math.abs(dx) > Math.abs(dy)) {
        show(dx < 0 ? current + 1 : current - 1);
      }
    });
  }

  function init() {
    document.querySelectorAll("[data-gallery]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
