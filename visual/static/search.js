// The search box: suggestions as you type (Chinese or English, partial words): names first (/api/search),
// then the sentences of the plans that hold the words (/api/passages), each with its place in the plan;
// chosen with the mouse or the keyboard (↑ ↓ to move, Enter to choose, Escape to close). ARIA combobox pattern.

import { className, getJSON, h, nameOf, otherName, shapeIcon, t } from "./dom.js";

const DELAY_MS = 120;
const LIMIT = 12;
const PASSAGES = 5;

/** The text with the marked stretches in <mark> (as text nodes: nothing is parsed as HTML). */
export function marked(text, marks) {
  const parts = [];
  let at = 0;
  for (const [start, end] of marks || []) {
    if (start > at) parts.push(text.slice(at, start));
    parts.push(h("mark", {}, text.slice(start, end)));
    at = end;
  }
  parts.push(text.slice(at));
  return parts;
}

/** Where a passage sits: plan › chapter › section … (names only). */
export function placeOf(passage) {
  return [passage.document ? nameOf(passage.document) : "", ...(passage.path || []).map((part) => part.name)]
    .filter(Boolean).join(" › ");
}

export class SearchBox {
  constructor(input, list, onChoose) {
    this.input = input;
    this.list = list;
    this.onChoose = onChoose;
    this.hits = [];
    this.active = -1;
    this.timer = null;
    this.controller = null;
    input.addEventListener("input", () => this.schedule());
    input.addEventListener("keydown", (event) => this.onKey(event));
    input.addEventListener("focus", () => { if (this.hits.length && input.value.trim()) this.open(); });
    input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
  }

  schedule() {
    clearTimeout(this.timer);
    this.pending = this.fetch();
  }

  fetch() {
    clearTimeout(this.timer);
    return new Promise((resolve) => {
      this.timer = setTimeout(async () => {
        const q = this.input.value.trim();
        if (this.controller) this.controller.abort();
        if (!q) {
          this.hits = [];
          this.close();
          resolve();
          return;
        }
        this.controller = new AbortController();
        const signal = this.controller.signal;
        const query = encodeURIComponent(q);
        try {
          const [names, passages] = await Promise.all([
            getJSON(`/api/search?q=${query}&limit=${LIMIT}`, { signal }),
            // a search the passage index cannot take (-word alone) still shows the names
            getJSON(`/api/passages?q=${query}&limit=${PASSAGES}`, { signal }).catch((error) => {
              if (error.name === "AbortError") throw error;
              return { items: [], total: 0 };
            }),
          ]);
          this.hits = [...names.items, ...passages.items.map((p) => ({ ...p, passage: true }))];
          this.passageTotal = passages.total;
          if (this.input.value.trim() === q) this.render();
        } catch (error) {
          if (error.name !== "AbortError") this.renderMessage(t("failed") + error.message);
        }
        resolve();
      }, DELAY_MS);
    });
  }

  render() {
    this.active = -1;
    if (!this.hits.length) {
      this.renderMessage(t("search_none"));
      return;
    }
    const items = [];
    this.hits.forEach((hit, i) => {
      if (hit.passage && (i === 0 || !this.hits[i - 1].passage)) {
        items.push(h("li", { class: "group-heading", role: "presentation" },
          t("search_passages", { n: this.passageTotal })));
      }
      items.push(h("li", {
        id: `search-option-${i}`, role: "option", "aria-selected": "false", "data-id": hit.id,
        class: hit.passage ? "passage-hit" : null,
        on: { mousedown: (event) => { event.preventDefault(); this.choose(i); } },
      }, ...(hit.passage ? this.passageOption(hit) : this.nameOption(hit))));
    });
    this.list.replaceChildren(...items);
    this.open();
  }

  nameOption(hit) {
    return [shapeIcon(hit.type, 14), h("span", { class: "hit-name" }, nameOf(hit)),
      otherName(hit) ? h("span", { class: "hit-other" }, otherName(hit)) : null,
      h("span", { class: "hit-type" }, className(hit.type))];
  }

  passageOption(hit) {
    return [h("span", { class: "hit-passage" },
      h("span", { class: "hit-text", lang: "zh-Hans" }, ...marked(hit.text, hit.marks)),
      h("span", { class: "hit-place" }, placeOf(hit)))];
  }

  options() {
    return [...this.list.querySelectorAll("[role=option]")];
  }

  renderMessage(text) {
    this.list.replaceChildren(h("li", { class: "message", role: "option", "aria-disabled": "true" }, text));
    this.open();
  }

  /** Re-render in the current language (the toggle). */
  refresh() {
    if (!this.list.hidden && this.hits.length) this.render();
  }

  open() {
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  move(step) {
    if (!this.hits.length) return;
    this.active = (this.active + step + this.hits.length) % this.hits.length;
    this.options().forEach((li, i) => li.setAttribute("aria-selected", String(i === this.active)));
    this.input.setAttribute("aria-activedescendant", `search-option-${this.active}`);
    this.options()[this.active]?.scrollIntoView({ block: "nearest" });
  }

  async onKey(event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (this.list.hidden && this.hits.length) this.open();
      this.move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (this.pending) await this.pending; // typed fast: wait for the answer to what was typed
      if (this.hits.length) this.choose(Math.max(this.active, 0));
    } else if (event.key === "Escape") {
      this.close();
    }
  }

  choose(i) {
    const hit = this.hits[i];
    if (!hit) return;
    this.close();
    if (!hit.passage) this.input.value = nameOf(hit); // a sentence chosen: the words searched stay
    this.onChoose(hit);
  }
}
