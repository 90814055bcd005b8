// The website's code challenges: the section under the "Solution" heading (its prose, code, printed numbers
// and figures) stays hidden until the reader presses the button. Without JavaScript it simply shows.
document.addEventListener("DOMContentLoaded", () => {
  const section = document.querySelector("section#solution");
  const heading = section && section.querySelector(":scope > h2");
  if (!heading) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "dudl-solution-toggle";
  const show = (open) => {
    section.classList.toggle("dudl-closed", !open);
    button.textContent = open ? "Hide the solution" : "Show the solution";
    button.setAttribute("aria-expanded", String(open));
  };
  button.addEventListener("click", () => show(section.classList.contains("dudl-closed")));
  heading.after(button);
  show(false);
});
