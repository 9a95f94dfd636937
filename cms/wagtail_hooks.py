from wagtail import hooks

from cms.choosers import category_chooser_viewset, product_chooser_viewset


@hooks.register("register_admin_viewset")
def register_shop_choosers():
    return [product_chooser_viewset, category_chooser_viewset]
