// The block editor's link picker: beside the text area being edited, a list of the site's
// pages; "Insert" writes [words](page:12) at the cursor, the selected words becoming the
// link's words. Without this script the editor copies the code from the list above the blocks.
"use strict";
(function () {
  // Loaded in the page's head, before the picker exists: looked up when first needed.
  let field = null;

  document.addEventListener("focusin", function (event) {
    const target = event.target;
    const picker = document.getElementById("rich-link-picker");
    if (picker && target.matches && target.matches("textarea[data-rich-text]")) {
      field = target;
      target.insertAdjacentElement("afterend", picker);
      picker.hidden = false;
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.id !== "rich-link-insert" || !field) {
      return;
    }
    const select = document.getElementById("rich-link-page");
    const start = field.selectionStart;
    const end = field.selectionEnd;
    // The page's title, without the address and draft note that follow it in the list.
    const chosen = select.options[select.selectedIndex].text.replace(/ \(\/.*$/, "");
    const words = field.value.slice(start, end) || chosen;
    const link = "[" + words + "](page:" + select.value + ")";
    field.setRangeText(link, start, end, "end");
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
  });
})();
