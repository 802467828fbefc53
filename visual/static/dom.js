// Small helpers shared by the page's modules: the settings the server embedded, the words of the page in
// the current language, building elements without innerHTML (every text from the graph is set as text),
// ids in URLs, and JSON from this server (cached: the graph in service does not change while it runs).

export const config = JSON.parse(document.getElementById("policykg-config").textContent);

let language = "zh";

export function lang() {
  return language;
}

export function setLang(value) {
  language = value === "en" ? "en" : "zh";
  document.documentElement.lang = language === "zh" ? "zh-Hans" : "en";
}

/** A word of the page (strings.yaml) in the current language; {name} is filled from vars. With a count
 * ``n``, the entry ``key_one`` (or another CLDR category of Intl.PluralRules) is used where it exists:
 * "1 programme", "2 programmes". */
export function t(key, vars = {}) {
  const plural = typeof vars.n === "number" ? `${key}_${new Intl.PluralRules(language).select(vars.n)}` : null;
  const entry = (plural && config.strings[plural]) || config.strings[key];
  const text = entry ? (entry[language] ?? entry.zh) : key;
  return String(text).replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : ""));
}

/** An element: h("a", {href, class: "x", on: {click}}, "text", child…). Strings become text nodes. */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") element.className = value;
    else if (key === "text") element.textContent = value;
    else if (key === "on") for (const [event, handler] of Object.entries(value)) element.addEventListener(event, handler);
    else if (key === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

export function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function svg(tag, attrs = {}) {
  const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, String(value));
  return element;
}

/** An API id in a URL path: each segment percent-encoded, the slashes kept. */
export function encodeId(id) {
  return id.split("/").map(encodeURIComponent).join("/");
}

const answers = new Map();

/** JSON from this server; errors carry the problem document's detail. */
export async function getJSON(path, { signal } = {}) {
  const url = config.root + path;
  if (answers.has(url)) return answers.get(url);
  const response = await fetch(url, { signal, headers: { Accept: "application/json" } });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      detail = (await response.json()).detail || detail;
    } catch (_) {
      /* not JSON: keep the status text */
    }
    throw new Error(`${response.status} ${detail}`);
  }
  const data = await response.json();
  answers.set(url, data);
  return data;
}

/** An entity's name in the current language, else in the other one, else its id. */
export function nameOf(ref) {
  if (!ref) return "";
  const own = language === "en" ? ref.name_en : ref.name_zh;
  return own || ref.name_zh || ref.name_en || ref.label || ref.id || "";
}

/** The name in the other language, when it differs. */
export function otherName(ref) {
  if (!ref) return "";
  const other = language === "en" ? ref.name_zh : ref.name_en;
  return other && other !== nameOf(ref) ? other : "";
}

export function classStyle(type) {
  const known = config.styles.classes[type];
  return known || { ...config.styles.default_class, type, zh: type || "?", en: type || "?" };
}

export function className(type) {
  return classStyle(type)[language];
}

export function relationName(type) {
  const known = config.styles.relations[type];
  return known ? known[language] : String(type).toLowerCase().replace(/_/g, " ");
}

export function levelName(level) {
  const known = config.strings.levels[level];
  return known ? known[language] : level || "";
}

export function attributeName(value) {
  const known = config.strings.attributes[value];
  return known ? known[language] : value || "";
}

/** The linked-data page of an entity (/id/…), or the ontology's anchor for a vocabulary concept. */
export function linkedDataHref(id) {
  const ontology = "https://w3id.org/policykg/ontology#";
  if (id.startsWith(ontology)) return `${config.root}/ontology#${encodeURIComponent(id.slice(ontology.length))}`;
  if (/^https?:/.test(id)) return id;
  return `${config.root}/id/${encodeId(id)}`;
}

/** A small SVG of a class's shape and colour, as the graph draws it (legend, type filter, panel). */
export function shapeIcon(type, size = 16) {
  const style = classStyle(type);
  const icon = svg("svg", { width: size, height: size, viewBox: "-10 -10 20 20", "aria-hidden": "true", class: "icon" });
  const paint = { fill: style.colour, stroke: style.border, "stroke-width": 1.5 };
  const r = 7.5;
  let shape;
  switch (style.shape) {
    case "square":
      shape = svg("rect", { x: -r, y: -r, width: 2 * r, height: 2 * r, ...paint });
      break;
    case "diamond":
      shape = svg("polygon", { points: `0,${-r - 1} ${r + 1},0 0,${r + 1} ${-r - 1},0`, ...paint });
      break;
    case "triangle":
      shape = svg("polygon", { points: `0,${-r - 1} ${r + 1},${r} ${-r - 1},${r}`, ...paint });
      break;
    case "triangleDown":
      shape = svg("polygon", { points: `${-r - 1},${-r} ${r + 1},${-r} 0,${r + 1}`, ...paint });
      break;
    case "hexagon": {
      const points = [...Array(6)].map((_, i) => {
        const a = (Math.PI / 3) * i;
        return `${(r * Math.cos(a)).toFixed(2)},${(r * Math.sin(a)).toFixed(2)}`;
      });
      shape = svg("polygon", { points: points.join(" "), ...paint });
      break;
    }
    case "star": {
      const points = [...Array(10)].map((_, i) => {
        const a = (Math.PI / 5) * i - Math.PI / 2;
        const radius = i % 2 ? r * 0.45 : r + 1.5;
        return `${(radius * Math.cos(a)).toFixed(2)},${(radius * Math.sin(a)).toFixed(2)}`;
      });
      shape = svg("polygon", { points: points.join(" "), ...paint });
      break;
    }
    default:
      shape = svg("circle", { cx: 0, cy: 0, r, ...paint });
  }
  icon.append(shape);
  return icon;
}
