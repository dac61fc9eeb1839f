//! An imported file's values and components, declared before the scene's
//! own ([`crate::scene::import`] reads the files).

use crate::expr::Values;
use crate::scene::error::SceneError;

use super::cst::{Body, Node, NodeKind};
use super::Ex;

impl Ex<'_> {
    /// Declares the `values` and defines the `components` of an imported
    /// file's tree `node` (offsets into the text after the scene's).
    pub(super) fn import(
        &mut self,
        node: &Node,
        values: &mut Values,
        inputs: &mut [(String, f64)],
    ) -> Result<(), SceneError> {
        let shape = "an imported file is (values: { … }, components: { … }), both optional";
        let NodeKind::Struct {
            name: None,
            body: Body::Fields(fields),
        } = &node.kind
        else {
            return Err(self.err(node.span.start, shape));
        };
        for f in fields {
            match &self.src[f.name.clone()] {
                "values" => self.declare_values(&f.value, values, inputs)?,
                "components" => self.define_components(&f.value)?,
                other => {
                    return Err(self.err(f.name.start, format!("`{other}` in an imported file: {shape}")))
                }
            }
        }
        Ok(())
    }
}
