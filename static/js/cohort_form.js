// Launch form: "Add a product" clones the last product row. Without JS the 8 rows suffice.
(function () {
  "use strict";
  var fieldset = document.getElementById("products");
  if (!fieldset) { return; }
  var button = fieldset.querySelector(".add-product");
  button.hidden = false;
  button.addEventListener("click", function () {
    var rows = fieldset.querySelectorAll(".product-row");
    var last = rows[rows.length - 1];
    var next = rows.length;
    var copy = last.cloneNode(true);
    copy.setAttribute("data-row", String(next));
    copy.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    copy.querySelectorAll(".field").forEach(function (el) { el.classList.remove("invalid"); });
    copy.querySelectorAll("input").forEach(function (input) {
      var kind = input.name.indexOf("price") >= 0 ? "price" : "label";
      input.name = "product_" + kind + "_" + next;
      input.id = "f-product-" + next + "-" + kind;
      input.value = "";
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    });
    copy.querySelectorAll("label").forEach(function (label) {
      var kind = label.htmlFor.indexOf("price") >= 0 ? "price" : "label";
      label.htmlFor = "f-product-" + next + "-" + kind;
      if (kind === "label") { label.textContent = label.textContent.replace(/\d+/, String(next + 1)); }
    });
    last.after(copy);
    copy.querySelector("input").focus();
  });
})();
