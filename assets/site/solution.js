// What the website keeps hidden until the reader asks: a code challenge's solution (the section under its
// "Solution" heading: prose, code, printed numbers and figures) and each exploration's answer (the section
// under an "Our answer" heading). Each gets a button; without JavaScript everything simply shows.
document.addEventListener("DOMContentLoaded", () => {
  const hide = (section, heading, what) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "dudl-toggle";
    const show = (open) => {
      section.classList.toggle("dudl-closed", !open);
      button.textContent = `${open ? "Hide" : "Show"} ${what}`;
      button.setAttribute("aria-expanded", String(open));
    };
    button.addEventListener("click", () => show(section.classList.contains("dudl-closed")));
    heading.after(button);
    show(false);
  };
  const solution = document.querySelector("section#solution");
  const heading = solution && solution.querySelector(":scope > h2");
  if (heading) hide(solution, heading, "the solution");
  for (const h4 of document.querySelectorAll("section > h4")) {
    if (h4.textContent.trim().replace(/#$/, "").trim() === "Our answer") hide(h4.parentElement, h4, "our answer");
  }
});
