import factory

from pages.models import Block, MedicalReviewer, Page


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    status = Page.Status.PUBLISHED


class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block

    page = factory.SubFactory(PageFactory)
    kind = Block.Kind.PARAGRAPH
    position = factory.Sequence(lambda n: n)
    text = factory.Faker("sentence")


class MedicalReviewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MedicalReviewer

    name = factory.Sequence(lambda n: f"Dr. Reviewer {n}")
    credentials = "MD, anesthesiologist"
