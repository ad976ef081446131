// The teaching checklists' front-end (an anywidget ES module; no build step, no network).
//
// One <fieldset> with a <legend> per checklist, and a native, labelled checkbox per
// item, so a screen reader meets one named group and every label complete. All text is
// set as text, never as HTML. The ticked ids sync both ways with the kernel.

let views = 0;

function render({ model, el }) {
  const uid = `ktc${(views++).toString(36)}${Math.random().toString(36).slice(2, 7)}`;
  const fieldset = document.createElement("fieldset");
  fieldset.className = ["kt-checklist-group", model.get("group_class")].join(" ").trim();
  const legend = document.createElement("legend");
  legend.className = "kt-checklist-legend";
  const lead = model.get("legend_lead");
  if (lead) {
    const strong = document.createElement("strong");
    strong.textContent = lead;
    legend.append(strong, ": ");
  }
  legend.append(model.get("legend"));
  fieldset.append(legend);
  // JupyterLab's notebook shortcuts listen on the document: Space ticks a box here.
  fieldset.addEventListener("keydown", (event) => event.stopPropagation());

  const inputs = new Map();
  for (const [index, item] of (model.get("items") || []).entries()) {
    const id = `${uid}-${index}`;
    const label = document.createElement("label");
    label.className = ["kt-checklist-item", ...(item.classes || [])].join(" ");
    label.htmlFor = id;
    const input = document.createElement("input");
    input.type = "checkbox";
    input.id = id;
    input.value = item.id;
    input.name = uid;
    const text = document.createElement("span");
    text.className = "kt-checklist-text";
    text.textContent = item.text;
    label.append(input, text);
    if (item.hint) label.title = item.hint;
    input.addEventListener("change", () => {
      const ticked = [...inputs].filter(([, box]) => box.checked).map(([key]) => key);
      model.set("checked", ticked);
      model.save_changes();
    });
    inputs.set(item.id, input);
    fieldset.append(label);
  }

  function show() {
    const ticked = new Set(model.get("checked") || []);
    for (const [key, box] of inputs) box.checked = ticked.has(key);
  }
  show();
  model.on("change:checked", show);
  el.classList.add("kt-checklist-host");
  el.append(fieldset);
  return () => model.off("change:checked", show);
}

export default { render };
