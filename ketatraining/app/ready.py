"""When a Voila page is ready for a learner: one definition for the tests and bench_app."""

PAGE_READY_JS = """() => {
    const cells = document.getElementById('rendered_cells');
    if (!cells || cells.style.display === 'none' || document.getElementById('loading')) {
        return false;
    }
    if (document.querySelector('script[type="application/vnd.voila.cell-output+json"]')) {
        return false;
    }
    // A widget output says "Loading widget..." until its view is drawn.
    const outputs = [...document.querySelectorAll('.jp-OutputArea-output')];
    return outputs.every(o => (o.childElementCount > 0 || o.textContent.trim() !== '')
        && !o.textContent.includes('Loading widget'));
}"""
"""A JavaScript predicate for ``page.wait_for_function``: content shown, every widget drawn."""
