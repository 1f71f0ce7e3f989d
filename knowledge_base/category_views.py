"""Category and tag management pages (methodologists and the administrator), on the kb blueprint."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.errors import ValidationFailed
from app.formtools import attach_errors, form_status
from knowledge_base import categories
from knowledge_base.forms import CategoryForm, ConfirmForm, TagForm
from knowledge_base.views import bp


def _category_form(**kwargs):
    form = CategoryForm(**kwargs)
    parents = [(0, _("— top level —"))] + [(top.id, top.name) for top in categories.category_tree()]
    form.set_parents(parents)
    return form


def _page(form, status=200):
    categories.require_publisher(current_user)
    return render_template("knowledge_base/categories.html", form=form, tree=categories.category_tree(),
                           tags=categories.tags_with_counts(), tag_form=TagForm(formdata=None),
                           confirm_form=ConfirmForm()), status


def _values(form):
    return {"name": form.name.data, "slug": form.slug.data, "parent_id": form.parent_id.data,
            "position": form.position.data}


@bp.route("/categories", methods=["GET", "POST"])
@login_required
def manage_categories():
    """The category tree with forms to add, change and delete categories; the tags with counts."""
    categories.require_publisher(current_user)
    form = _category_form()
    if not form.validate_on_submit():
        return _page(form, 400 if form.is_submitted() else 200)
    try:
        category = categories.create_category(current_user, _values(form))
    except ValidationFailed as error:
        attach_errors(form, error)
        return _page(form, 400)
    flash(_("The category «%(name)s» has been added.", name=category.name), "success")
    return redirect(url_for("kb.manage_categories"))


@bp.route("/categories/<id:category_id>", methods=["GET", "POST"])
@login_required
def edit_category(category_id):
    """Rename or move a category."""
    category = categories.category_for_edit(current_user, category_id)
    form = _category_form(obj=category)
    if request.method == "GET":
        form.parent_id.data = category.parent_id or 0
    if form.validate_on_submit():
        try:
            categories.update_category(current_user, category_id, _values(form))
        except ValidationFailed as error:
            attach_errors(form, error)
        else:
            flash(_("The category has been saved."), "success")
            return redirect(url_for("kb.manage_categories"))
    return render_template("knowledge_base/category_form.html", form=form,
                           category=category), form_status(form)


@bp.route("/categories/<id:category_id>/delete", methods=["POST"])
@login_required
def delete_category(category_id):
    """Delete an empty category."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        categories.delete_category(current_user, category_id)
    except ValidationFailed as error:
        flash(error.message, "danger")
        return _page(_category_form(formdata=None), 400)
    flash(_("The category has been deleted."), "success")
    return redirect(url_for("kb.manage_categories"))


@bp.route("/tags/<id:tag_id>", methods=["POST"])
@login_required
def rename_tag(tag_id):
    """Rename a tag (or merge it into the tag that already has the name)."""
    form = TagForm()
    try:
        if not form.validate_on_submit():
            raise ValidationFailed(_("Write the tag's new name."))
        categories.rename_tag(current_user, tag_id, form.name.data)
    except ValidationFailed as error:
        flash(error.message, "danger")
        return _page(_category_form(formdata=None), 400)
    flash(_("The tag has been renamed."), "success")
    return redirect(url_for("kb.manage_categories", _anchor="tags"))


@bp.route("/tags/<id:tag_id>/delete", methods=["POST"])
@login_required
def delete_tag(tag_id):
    """Remove a tag from every guide."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    categories.delete_tag(current_user, tag_id)
    flash(_("The tag has been deleted."), "success")
    return redirect(url_for("kb.manage_categories", _anchor="tags"))
