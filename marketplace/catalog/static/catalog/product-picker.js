// The catalog product picker of the resale form (/resale/new/): the text field
// becomes a combobox with a listbox popup (WAI-ARIA 1.2 combobox pattern, list
// autocomplete), asking /products/choices/ while the seller types. A pick writes
// the product's reference into the field, so the server reads it without doubt,
// and shows the product's name and reference beside it, with a button to clear
// it. Without JavaScript the field takes a name or a reference, read by the form.
// The sentences come translated in the field's data-* attributes.
(function () {
  "use strict";

  var DELAY = 200;
  var MIN_LENGTH = 2;

  function fill(template, values) {
    // One pass: a product name holding "{sku}" is not filled in again.
    return (template || "").replace(/\{(\w+)\}/g, function (hole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : hole;
    });
  }

  function setUp(box) {
    var input = box.querySelector("input[data-product-picker]");
    var chosen = box.querySelector(".product-picker-chosen");
    var status = box.querySelector(".product-picker-status");
    if (!input || !chosen || !status || !input.id) {
      return;
    }
    var chosenName = chosen.querySelector(".product-picker-chosen-name");
    var chosenReference = chosen.querySelector(".product-picker-chosen-reference");
    var clear = chosen.querySelector(".product-picker-clear");
    var label = box.querySelector("label[for='" + input.id + "']");
    var url = box.getAttribute("data-choices-url");

    var list = document.createElement("ul");
    list.id = input.id + "_listbox";
    list.className = "product-picker-listbox";
    list.setAttribute("role", "listbox");
    if (label && label.id) {
      list.setAttribute("aria-labelledby", label.id);
    }
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var products = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var asked = "";
    var sequence = 0;
    var pickedSku = chosen.getAttribute("data-sku") || "";

    function announce(text) {
      status.textContent = text;
    }

    function reference(sku) {
      return fill(box.getAttribute("data-reference"), { sku: sku });
    }

    function describedBy(withChosen) {
      // The chosen product is part of the field's description while it shows.
      var ids = (input.getAttribute("aria-describedby") || "")
        .split(/\s+/)
        .filter(function (id) {
          return id && id !== chosen.id;
        });
      if (withChosen) {
        ids.unshift(chosen.id);
      }
      if (ids.length) {
        input.setAttribute("aria-describedby", ids.join(" "));
      } else {
        input.removeAttribute("aria-describedby");
      }
    }

    function showChosen(product) {
      pickedSku = product ? product.sku : "";
      chosen.setAttribute("data-sku", pickedSku);
      if (product) {
        chosenName.textContent = product.name;
        chosenReference.textContent = reference(product.sku);
      }
      chosen.hidden = !product;
      describedBy(Boolean(product));
    }

    function setActive(index) {
      active = index;
      var options = list.children;
      for (var i = 0; i < options.length; i += 1) {
        if (i === index) {
          options[i].setAttribute("aria-selected", "true");
        } else {
          options[i].removeAttribute("aria-selected");
        }
      }
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function isOpen() {
      return !list.hidden;
    }

    function open() {
      if (!products.length) {
        return;
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      setActive(-1);
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function render(found) {
      products = found;
      var options = found.map(function (product, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.className = "product-picker-option";
        option.setAttribute("role", "option");
        var name = document.createElement("span");
        name.className = "product-picker-option-name";
        name.textContent = product.name;
        var sku = document.createElement("span");
        sku.className = "product-picker-option-reference";
        sku.textContent = reference(product.sku);
        var price = document.createElement("span");
        price.className = "product-picker-option-price";
        price.textContent = product.price;
        option.append(name, " ", sku, " ", price);
        return option;
      });
      list.replaceChildren.apply(list, options);
      setActive(-1);
    }

    function counted(count) {
      if (!count) {
        return box.getAttribute("data-count-none");
      }
      var one = count === 1;
      var template = box.getAttribute(one ? "data-count-one" : "data-count-other");
      return fill(template, { n: String(count) });
    }

    function forget() {
      asked = "";
      sequence += 1;
      if (controller) {
        controller.abort();
        controller = null;
      }
      render([]);
      close();
    }

    function ask() {
      var query = input.value.trim();
      if (query.length < MIN_LENGTH) {
        forget();
        announce("");
        return;
      }
      if (query === asked) {
        open();
        return;
      }
      asked = query;
      sequence += 1;
      var mine = sequence;
      if (controller) {
        controller.abort();
      }
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          return response.ok ? response.json() : { products: [] };
        })
        .then(function (data) {
          // An answer to an older query, or to one the seller moved on from
          // (asked again when they come back to the field).
          if (mine !== sequence) {
            return;
          }
          if (document.activeElement !== input) {
            asked = "";
            return;
          }
          render(Array.isArray(data.products) ? data.products : []);
          if (products.length) {
            open();
          } else {
            close();
          }
          announce(counted(products.length));
        })
        .catch(function () {
          // Offline or aborted: the field still takes a name or a reference.
        });
    }

    function pick(index) {
      var product = products[index];
      if (!product) {
        return;
      }
      window.clearTimeout(timer);
      input.value = product.sku;
      asked = product.sku;
      showChosen(product);
      close();
      var words = { name: product.name, sku: product.sku };
      announce(fill(box.getAttribute("data-picked"), words));
    }

    input.addEventListener("input", function () {
      if (pickedSku && input.value.trim() !== pickedSku) {
        showChosen(null);
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var last = products.length - 1;
      switch (event.key) {
        case "ArrowDown":
          if (!products.length) {
            // Nothing asked yet (a prefilled field): ask now.
            window.clearTimeout(timer);
            ask();
            return;
          }
          event.preventDefault();
          if (!isOpen()) {
            open();
            setActive(event.altKey ? -1 : 0);
          } else {
            setActive(active >= last ? 0 : active + 1);
          }
          break;
        case "ArrowUp":
          if (!products.length) {
            return;
          }
          event.preventDefault();
          if (!isOpen()) {
            open();
            setActive(last);
          } else {
            setActive(active <= 0 ? last : active - 1);
          }
          break;
        case "Enter":
          // A highlighted product is picked; otherwise Enter sends the form.
          if (isOpen() && active >= 0) {
            event.preventDefault();
            pick(active);
          } else if (isOpen()) {
            close();
          }
          break;
        case "Escape":
          if (isOpen()) {
            event.preventDefault();
            // The popup closes; the header's menus keep theirs.
            event.stopPropagation();
            close();
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () {
      // A tap on a product blurs nothing (mousedown below): anything else closes.
      window.setTimeout(function () {
        if (document.activeElement !== input) {
          close();
        }
      }, 150);
    });

    list.addEventListener("mousedown", function (event) {
      // Keep the focus in the field while a product is clicked or tapped.
      event.preventDefault();
    });

    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (!option) {
        return;
      }
      pick(Array.prototype.indexOf.call(list.children, option));
      input.focus();
    });

    if (clear) {
      clear.hidden = false;
      clear.addEventListener("click", function () {
        input.value = "";
        forget();
        showChosen(null);
        announce(box.getAttribute("data-cleared"));
        input.focus();
      });
    }
    if (pickedSku) {
      describedBy(true);
    }
  }

  function ready() {
    if (!window.fetch) {
      return;
    }
    var boxes = document.querySelectorAll(".product-picker[data-choices-url]");
    for (var i = 0; i < boxes.length; i += 1) {
      setUp(boxes[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
