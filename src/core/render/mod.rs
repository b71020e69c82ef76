//! The one pure rendering module: HTML, SVG and CSS class names built from the domain's
//! values, one file per view. Domain modules never import it.

pub mod charts;
