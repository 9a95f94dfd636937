from django.urls import path

from crm_embedded.pipeline import board_views, views

urlpatterns = [
    path("pipeline/", board_views.pipeline_board, name="pipeline-board"),
    path("pipeline/forecast/", board_views.pipeline_forecast, name="pipeline-forecast"),
    path("pipeline/stages/", board_views.stage_list, name="stage-list"),
    path("opportunities/", views.opportunity_list, name="opportunity-list"),
    path("opportunities/new/", views.opportunity_create, name="opportunity-create"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity-detail"),
    path("opportunities/<int:pk>/edit/", views.opportunity_edit, name="opportunity-edit"),
    path("opportunities/<int:pk>/move/", views.opportunity_move, name="opportunity-move"),
]
